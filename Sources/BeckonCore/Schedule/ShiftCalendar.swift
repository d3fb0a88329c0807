package import Foundation

/// Answers "is it on shift at instant t" and "when does it next go on / off" for a `TimeFrame`,
/// correctly across daylight-saving changes and midnight. Build one per time frame and reuse it.
package struct ShiftCalendar: Sendable {
    package struct Status: Equatable, Sendable {
        package var onShift: Bool
        /// The next instant it goes on (after the coming off, when on now); nil when never again.
        package var nextOn: Date?
        /// The next instant it goes off; nil when it never does.
        package var nextOff: Date?

        package init(onShift: Bool, nextOn: Date?, nextOff: Date?) {
            self.onShift = onShift
            self.nextOn = nextOn
            self.nextOff = nextOff
        }
    }

    package let timeFrame: TimeFrame
    private let zone: TimeZone
    private let calendar: Calendar

    /// How far ahead `status` looks for the next change: beyond a year, a schedule with no
    /// change is treated as never changing.
    static let horizonDays = 400

    package init(_ timeFrame: TimeFrame) throws(BeckonError) {
        try timeFrame.validate()
        self.timeFrame = timeFrame
        self.zone = TimeZone(identifier: timeFrame.timeZone)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// Whether the local wall time of `instant` falls in a shift of its local date.
    package func isOn(at instant: Date) -> Bool {
        let (date, secondOfDay) = wallTime(of: instant)
        guard let shifts = timeFrame.shifts(on: date) else { return false }
        return shifts.contains { $0.startMinute * 60 <= secondOfDay && secondOfDay < $0.endMinute * 60 }
    }

    package func status(at instant: Date) -> Status {
        let on = isOn(at: instant)
        // The state is constant between candidates; record the first two changes.
        var state = on
        var changes: [Date] = []
        for candidate in changeCandidates(after: instant) where isOn(at: candidate) != state {
            state.toggle()
            changes.append(candidate)
            if changes.count == 2 { break }
        }
        let first = changes.first
        let second = changes.count > 1 ? changes[1] : nil
        return on
            ? Status(onShift: true, nextOn: second, nextOff: first) : Status(onShift: false, nextOn: first, nextOff: second)
    }

    /// Every instant after `instant` at which the state may change, in order: each shift
    /// boundary's instant(s) and each daylight-saving transition, over the horizon.
    private func changeCandidates(after instant: Date) -> [Date] {
        var candidates = Set<Date>()
        var date = wallTime(of: instant).date
        let last = instant.addingTimeInterval(Double(Self.horizonDays) * 86400)
        for _ in 0...Self.horizonDays {
            for shift in timeFrame.shifts(on: date) ?? [] {
                for minute in [shift.startMinute, shift.endMinute] {
                    for moment in instants(of: date, minute: minute) where moment > instant { candidates.insert(moment) }
                }
            }
            // Entering or leaving the date range happens at midnight.
            for moment in instants(of: date, minute: 0) where moment > instant { candidates.insert(moment) }
            date = date.next
        }
        var transition = zone.nextDaylightSavingTimeTransition(after: instant)
        while let moment = transition, moment <= last {
            candidates.insert(moment)
            transition = zone.nextDaylightSavingTimeTransition(after: moment)
        }
        return candidates.filter { $0 <= last }.sorted()
    }

    /// The local date and second of the day of an instant in the time frame's zone.
    private func wallTime(of instant: Date) -> (date: LocalDate, secondOfDay: Int) {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
        return (
            LocalDate(year: parts.year!, month: parts.month!, day: parts.day!),
            parts.hour! * 3600 + parts.minute! * 60 + parts.second!
        )
    }

    /// The instants whose wall time is `minute` on `date`: one normally, none in a
    /// spring-forward gap, two in a fall-back overlap. `24:00` is the next day's midnight.
    private func instants(of date: LocalDate, minute: Int) -> [Date] {
        let wallAsUTC = Double(date.daysSince1970 * 86400 + minute * 60)
        let probe = Date(timeIntervalSince1970: wallAsUTC)
        let offsets = Set([-86400.0, 0, 86400].map { zone.secondsFromGMT(for: probe.addingTimeInterval($0)) })
        let target = minute == 1440 ? (date.next, 0) : (date, minute * 60)
        return offsets.map { Date(timeIntervalSince1970: wallAsUTC - Double($0)) }
            .filter { wallTime(of: $0) == target }
            .sorted()
    }
}
