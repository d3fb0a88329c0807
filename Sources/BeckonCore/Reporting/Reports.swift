package import Foundation
package import Logging

/// The account's local days `from` … `to` of a report and the instants they span.
package struct ReportRange: Sendable, Equatable {
    package var from: LocalDate
    package var to: LocalDate
    package var timeZone: String
    package var start: Date
    package var end: Date
}

/// The reports (SPEC §10, §13): the funnel from the hourly rollups, custom reports over the
/// reported attributes, and the abuse report from the journal. Dates are the account's local
/// days, `to` inclusive; the rollups are brought up to the journal's end before a funnel or
/// custom report is read, so the current hour is live.
package struct Reports: Sendable {
    let storage: Storage
    let rollups: RollupService
    let clock: any WallClock

    /// The longest range one report covers.
    package static let maxDays = 366
    /// The most abuse events one report reads.
    package static let maxAbuseEvents = 1_000_000

    package init(storage: Storage, rollups: RollupService, clock: any WallClock) {
        self.storage = storage
        self.rollups = rollups
        self.clock = clock
    }

    /// The range the query's `from` and `to` (`YYYY-MM-DD`, either absent) name: `to` defaults to
    /// today in the account's time zone, `from` to six days before `to`.
    package func range(accountId: AccountID, from: String?, to: String?) async throws -> ReportRange {
        let zone = try await storage.accounts.settings(accountId: accountId)?.timeZone ?? "UTC"
        var local = LocalHourClock(identifier: zone)
        let today = local.hour(of: clock.now()).day
        func date(_ text: String?, _ name: String) throws(BeckonError) -> LocalDate? {
            guard let text, !text.isEmpty else { return nil }
            guard let date = LocalDate(text) else { throw .invalidInput(field: name, reason: "must be a date YYYY-MM-DD") }
            return date
        }
        let last = try date(to, "to") ?? today
        let first = try date(from, "from") ?? last.adding(days: -6)
        guard first <= last else { throw BeckonError.invalidInput(field: "from", reason: "must not be after 'to'") }
        guard last.daysSince1970 - first.daysSince1970 < Self.maxDays else {
            throw BeckonError.invalidInput(field: "to", reason: "a report covers at most \(Self.maxDays) days")
        }
        return ReportRange(from: first, to: last, timeZone: zone, start: local.start(of: first), end: local.start(of: last.next))
    }

    /// `groupBy`'s comma-separated dimensions, each once, in the order given.
    package static func dimensions(_ text: String?) throws(BeckonError) -> [RollupDimension] {
        guard let text, !text.isEmpty else { return [] }
        var dimensions: [RollupDimension] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let dimension = RollupDimension(rawValue: name) else {
                let known = RollupDimension.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidInput(field: "groupBy", reason: "unknown dimension '\(name)'; known: \(known)")
            }
            if !dimensions.contains(dimension) { dimensions.append(dimension) }
        }
        return dimensions
    }

    /// A report's `campaignId` filter: a campaign id, or none.
    package static func campaignFilter(_ id: Int64?) throws(BeckonError) -> Int64? {
        guard let id else { return nil }
        guard id > 0 else { throw .invalidInput(field: "campaignId", reason: "must be a campaign id") }
        return id
    }

    /// The funnel's rows at the level `groupBy` and `campaignId` call for. Campaign and engagement
    /// rows carry the account's visits and page views of their hours; grouping by day alone lists
    /// every day of the range; no grouping answers one row, empty or not.
    package func funnel(
        accountId: AccountID, range: ReportRange, groupBy: [RollupDimension], campaignId: Int64?, logger: Logger
    ) async throws -> [RollupRow] {
        await catchUp(logger)
        let dimensions = Set(groupBy)
        let level: RollupLevel =
            !dimensions.isDisjoint(with: RollupDimension.engagementLevel)
            ? .engagement
            : dimensions.contains(.campaign) || campaignId != nil ? .campaign : .account
        var rows = try await storage.rollups.rows(
            RollupQuery(
                accountId: accountId, from: range.start, to: range.end, level: level, campaignId: campaignId, groupBy: dimensions))
        if level != .account {
            let timeDimensions = dimensions.intersection(RollupDimension.time)
            let accountRows = try await storage.rollups.rows(
                RollupQuery(accountId: accountId, from: range.start, to: range.end, level: .account, groupBy: timeDimensions))
            let byTime = Dictionary(accountRows.map { ("\($0.day?.description ?? "")/\($0.hour ?? -1)", $0.metrics) }) { first, _ in first }
            for index in rows.indices {
                let totals = byTime["\(rows[index].day?.description ?? "")/\(rows[index].hour ?? -1)"]
                rows[index].metrics.visits = totals?.visits ?? 0
                rows[index].metrics.pageViews = totals?.pageViews ?? 0
            }
        }
        if groupBy.isEmpty && rows.isEmpty { rows = [RollupRow()] }
        if groupBy == [.day] {
            let known = Dictionary(rows.compactMap { row in row.day.map { ($0, row) } }) { first, _ in first }
            var filled: [RollupRow] = []
            var day = range.from
            while day <= range.to {
                filled.append(known[day] ?? RollupRow(day: day))
                day = day.next
            }
            rows = filled
        }
        return rows
    }

    /// The custom report's groups, largest first.
    package func custom(accountId: AccountID, range: ReportRange, query: CustomReportQuery, logger: Logger) async throws -> [CustomReportRow] {
        await catchUp(logger)
        return try await storage.rollups.customReport(query, accountId: accountId, from: range.start, to: range.end)
    }

    /// Refused clicks and dial authorizations by reason, per day of the range.
    package func abuse(accountId: AccountID, range: ReportRange) async throws -> AbuseReport {
        var events: [StoredEvent] = []
        var after: Int64 = 0
        while events.count < Self.maxAbuseEvents {
            let page = try await storage.journal.events(
                JournalQuery(accountId: accountId, from: range.start, to: range.end, afterSequence: after, limit: 5000, kinds: [.abuse]))
            events += page
            guard page.count == 5000, let last = page.last else { break }
            after = last.sequence
        }
        return AbuseReport(from: range.from, to: range.to, timeZone: range.timeZone, events: events)
    }

    /// Brings the rollups up to the journal's end; a failure is logged and the stored rows answer.
    private func catchUp(_ logger: Logger) async {
        do {
            _ = try await rollups.catchUp()
        } catch {
            logger.warning("reports answered from rollups that could not catch up", metadata: ["error": "\(error)"])
        }
    }
}
