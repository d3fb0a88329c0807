import Foundation

/// The abuse report (SPEC §13): per local day of the account, the clicks refused and the dial
/// authorizations granted and refused, by reason, plus blocks made and lifted — counted from
/// the journal's `abuse` events.
package struct AbuseReport: Sendable, Equatable {
    package struct Day: Sendable, Equatable {
        package var day: LocalDate
        package var clicksRefused: [String: Int] = [:]
        package var dialsAuthorized = 0
        package var dialsRefused: [String: Int] = [:]
        package var visitorsBlocked = 0
        package var numbersBlocked = 0
        package var blocksLifted = 0
    }

    /// Every day from `from` to `to`, empty ones included.
    package var days: [Day]

    package init(from: LocalDate, to: LocalDate, timeZone: String, events: [StoredEvent]) {
        var clock = LocalHourClock(identifier: timeZone)
        var byDay: [LocalDate: Day] = [:]
        let decoder = JSONDecoder()
        for stored in events where stored.event.kind == .abuse {
            guard let record = try? decoder.decode(AbuseRecord.self, from: Data(stored.event.payload.utf8)) else { continue }
            let day = clock.hour(of: stored.event.occurredAt).day
            var entry = byDay[day] ?? Day(day: day)
            let reason = record.reason ?? "unknown"
            switch record.action {
            case .clickRefused: entry.clicksRefused[reason, default: 0] += 1
            case .dialAuthorized: entry.dialsAuthorized += 1
            case .dialRefused: entry.dialsRefused[reason, default: 0] += 1
            case .visitorBlocked: entry.visitorsBlocked += 1
            case .numberBlocked: entry.numbersBlocked += 1
            case .blockLifted: entry.blocksLifted += 1
            }
            byDay[day] = entry
        }
        var days: [Day] = []
        var day = from
        while day <= to {
            days.append(byDay[day] ?? Day(day: day))
            day = day.next
        }
        self.days = days
    }

    /// The reasons a click can be refused, then those of a dial authorization (CSV columns).
    package static let clickReasons = ["rateLimited", "visitorBlocked"]
    package static let dialReasons = DialRefusal.allCases.map(\.rawValue)
}
