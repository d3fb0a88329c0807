import BeckonCore
import Foundation
import Hummingbird
import Logging

/// `GET /api/v1/accounts/{accountId}/reports/funnel` and `…/reports/custom` (SPEC §8a, §10),
/// scope `reports:read`. JSON, or CSV with `Accept: text/csv` (or `?format=csv`, for links).
/// Dates are the account's local days, `to` inclusive; the rollups are brought up to the
/// journal's end before a funnel is read, so the current hour is live.
struct ReportRoutes {
    let storage: Storage
    let rollups: RollupService
    let clock: any WallClock

    /// The longest range one report covers.
    static let maxDays = 366

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("reports/funnel") { request, context in
            let principal = try context.require(.reportsRead)
            let range = try await range(request, principal.accountId)
            let parameters = request.uri.queryParameters
            let groupBy = try Self.groupBy(parameters["groupBy"].map(String.init))
            let campaignId = try Self.campaignId(parameters["campaignId"].map(String.init))
            await catchUp(context)
            let rows = try await funnelRows(range: range, account: principal.accountId, groupBy: groupBy, campaignId: campaignId)
            let report = FunnelReport(range: range, groupBy: groupBy, rows: rows)
            if CSV.wanted(request) {
                return try CSV.response(report.csv, name: "funnel-\(range.from)-\(range.to).csv")
            }
            return try JSONBody(value: report).response(from: request, context: context)
        }
        group.get("reports/abuse") { request, context in try await abuseReport(request, context) }
        group.get("reports/custom") { request, context in
            let principal = try context.require(.reportsRead)
            let range = try await range(request, principal.accountId)
            let parameters = request.uri.queryParameters
            let query = try CustomReportQuery(
                attribute: parameters["attribute"].map(String.init), measure: parameters["measure"].map(String.init),
                filters: parameters.getAll("filter").map { String($0) },
                campaignId: try Self.campaignId(parameters["campaignId"].map(String.init)))
            await catchUp(context)
            let rows = try await storage.rollups.customReport(query, accountId: principal.accountId, from: range.start, to: range.end)
            let report = CustomReport(range: range, query: query, rows: rows)
            if CSV.wanted(request) {
                return try CSV.response(report.csv, name: "custom-\(range.from)-\(range.to).csv")
            }
            return try JSONBody(value: report).response(from: request, context: context)
        }
    }

    /// The abuse report (SPEC §13): refused clicks and dial authorizations by reason, per day.
    private func abuseReport(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.reportsRead)
        let range = try await range(request, principal.accountId)
        var events: [StoredEvent] = []
        var after: Int64 = 0
        while events.count < Self.maxAbuseEvents {
            let page = try await storage.journal.events(
                JournalQuery(
                    accountId: principal.accountId, from: range.start, to: range.end, afterSequence: after, limit: 5000,
                    kinds: [.abuse]))
            events += page
            guard page.count == 5000, let last = page.last else { break }
            after = last.sequence
        }
        let report = AbuseReport(from: range.from, to: range.to, timeZone: range.timeZone, events: events)
        if CSV.wanted(request) {
            var lines = [
                CSV.line(
                    ["day"] + AbuseReport.clickReasons.map { "clicksRefused.\($0)" } + ["dialsAuthorized"]
                        + AbuseReport.dialReasons.map { "dialsRefused.\($0)" } + ["visitorsBlocked", "numbersBlocked", "blocksLifted"])
            ]
            for day in report.days {
                lines.append(
                    CSV.line(
                        [day.day.description] + AbuseReport.clickReasons.map { String(day.clicksRefused[$0] ?? 0) }
                            + [String(day.dialsAuthorized)] + AbuseReport.dialReasons.map { String(day.dialsRefused[$0] ?? 0) }
                            + [String(day.visitorsBlocked), String(day.numbersBlocked), String(day.blocksLifted)]))
            }
            return try CSV.response(lines.joined(), name: "abuse-\(range.from)-\(range.to).csv")
        }
        struct DayJSON: Encodable {
            var day: String
            var clicksRefused: [String: Int]
            var dialsAuthorized: Int
            var dialsRefused: [String: Int]
            var visitorsBlocked: Int
            var numbersBlocked: Int
            var blocksLifted: Int
        }
        struct ReportJSON: Encodable {
            var from: String
            var to: String
            var timeZone: String
            var rows: [DayJSON]
        }
        let body = ReportJSON(
            from: range.from.description, to: range.to.description, timeZone: range.timeZone,
            rows: report.days.map {
                DayJSON(
                    day: $0.day.description, clicksRefused: $0.clicksRefused, dialsAuthorized: $0.dialsAuthorized,
                    dialsRefused: $0.dialsRefused, visitorsBlocked: $0.visitorsBlocked, numbersBlocked: $0.numbersBlocked,
                    blocksLifted: $0.blocksLifted)
            })
        return try JSONBody(value: body).response(from: request, context: context)
    }

    /// The most abuse events one report reads.
    static let maxAbuseEvents = 1_000_000

    /// Brings the rollups up to the journal's end; a failure is logged and the stored rows answer.
    private func catchUp(_ context: AppRequestContext) async {
        do {
            try await rollups.catchUp()
        } catch {
            context.logger.warning("reports answered from rollups that could not catch up", metadata: ["error": "\(error)"])
        }
    }

    /// The account's local days `from` … `to` and the instants they span.
    struct Range: Sendable {
        var from: LocalDate
        var to: LocalDate
        var timeZone: String
        var start: Date
        var end: Date
    }

    private func range(_ request: Request, _ account: AccountID) async throws -> Range {
        let zone = try await storage.accounts.settings(accountId: account)?.timeZone ?? "UTC"
        var local = LocalHourClock(identifier: zone)
        let today = local.hour(of: clock.now()).day
        let parameters = request.uri.queryParameters
        func date(_ name: String) throws -> LocalDate? {
            guard let text = parameters[Substring(name)].map(String.init), !text.isEmpty else { return nil }
            guard let date = LocalDate(text) else { throw BeckonError.invalidInput(field: name, reason: "must be a date YYYY-MM-DD") }
            return date
        }
        let to = try date("to") ?? today
        let from = try date("from") ?? to.adding(days: -6)
        guard from <= to else { throw BeckonError.invalidInput(field: "from", reason: "must not be after 'to'") }
        guard to.daysSince1970 - from.daysSince1970 < Self.maxDays else {
            throw BeckonError.invalidInput(field: "to", reason: "a report covers at most \(Self.maxDays) days")
        }
        return Range(from: from, to: to, timeZone: zone, start: local.start(of: from), end: local.start(of: to.next))
    }

    static func groupBy(_ text: String?) throws -> [RollupDimension] {
        guard let text, !text.isEmpty else { return [] }
        var dimensions: [RollupDimension] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let dimension = RollupDimension(rawValue: name) else {
                let known = RollupDimension.allCases.map(\.rawValue).joined(separator: ", ")
                throw BeckonError.invalidInput(field: "groupBy", reason: "unknown dimension '\(name)'; known: \(known)")
            }
            if !dimensions.contains(dimension) { dimensions.append(dimension) }
        }
        return dimensions
    }

    static func campaignId(_ text: String?) throws -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard let id = Int64(text), id > 0 else { throw BeckonError.invalidInput(field: "campaignId", reason: "must be a campaign id") }
        return id
    }

    private func funnelRows(range: Range, account: AccountID, groupBy: [RollupDimension], campaignId: Int64?) async throws -> [RollupRow] {
        let dimensions = Set(groupBy)
        let level: RollupLevel =
            !dimensions.isDisjoint(with: RollupDimension.engagementLevel)
            ? .engagement
            : dimensions.contains(.campaign) || campaignId != nil ? .campaign : .account
        var rows = try await storage.rollups.rows(
            RollupQuery(
                accountId: account, from: range.start, to: range.end, level: level, campaignId: campaignId, groupBy: dimensions))
        // Visits and page views are the account's: a campaign's row shows those of its hours.
        if level != .account {
            let timeDimensions = dimensions.intersection(RollupDimension.time)
            let accountRows = try await storage.rollups.rows(
                RollupQuery(accountId: account, from: range.start, to: range.end, level: .account, groupBy: timeDimensions))
            let byTime = Dictionary(accountRows.map { ("\($0.day?.description ?? "")/\($0.hour ?? -1)", $0.metrics) }) { first, _ in first }
            for index in rows.indices {
                let totals = byTime["\(rows[index].day?.description ?? "")/\(rows[index].hour ?? -1)"]
                rows[index].metrics.visits = totals?.visits ?? 0
                rows[index].metrics.pageViews = totals?.pageViews ?? 0
            }
        }
        if groupBy.isEmpty && rows.isEmpty { rows = [RollupRow()] }
        if groupBy == [.day] {
            // Every day of the range, so a chart has no holes.
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
}
