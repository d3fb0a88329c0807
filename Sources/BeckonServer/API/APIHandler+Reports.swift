import BeckonAPI
import BeckonCore
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The reports (scope `reports:read`, SPEC §8a, §10, §13): JSON, or CSV as a download with
/// `Accept: text/csv` or `format=csv` (for links).
extension APIHandler {
    func getFunnelReport(_ input: Operations.GetFunnelReport.Input) async throws -> Operations.GetFunnelReport.Output {
        let principal = try OperationContext.require(.reportsRead)
        let query = input.query
        let groupBy = try Reports.dimensions(query.groupBy)
        let campaignId = try Reports.campaignFilter(query.campaignId)
        let range = try await reports.range(accountId: principal.accountId, from: query.from, to: query.to)
        let rows = try await reports.funnel(
            accountId: principal.accountId, range: range, groupBy: groupBy, campaignId: campaignId, logger: OperationContext.logger)
        if Self.wantsCSV(query.format) {
            return .ok(.init(body: .csv(Self.download(CSV.funnel(rows, groupBy: groupBy), name: "funnel", range))))
        }
        let report = Components.Schemas.FunnelReport(
            from: range.from.description, to: range.to.description, timeZone: range.timeZone, groupBy: groupBy.map(\.rawValue),
            rows: rows.map(Components.Schemas.FunnelRow.init))
        return .ok(.init(body: .json(report)))
    }

    func getCustomReport(_ input: Operations.GetCustomReport.Input) async throws -> Operations.GetCustomReport.Output {
        let principal = try OperationContext.require(.reportsRead)
        let parameters = input.query
        let query = try CustomReportQuery(
            attribute: parameters.attribute, measure: parameters.measure, filters: parameters.filter ?? [],
            campaignId: try Reports.campaignFilter(parameters.campaignId))
        let range = try await reports.range(accountId: principal.accountId, from: parameters.from, to: parameters.to)
        let rows = try await reports.custom(accountId: principal.accountId, range: range, query: query, logger: OperationContext.logger)
        if Self.wantsCSV(parameters.format) {
            return .ok(.init(body: .csv(Self.download(CSV.custom(rows, query: query), name: "custom", range))))
        }
        let measured = query.measure.path != nil
        let report = Components.Schemas.CustomReport(
            from: range.from.description, to: range.to.description, timeZone: range.timeZone,
            attribute: query.attribute?.description, measure: query.measure.description,
            filters: query.filters.map { "\($0.path)\($0.negated ? "!=" : "=")\($0.value)" }, campaignId: query.campaignId,
            rows: rows.map { .init($0, measured: measured, withValue: true) },
            total: .init(CustomReportRow.total(rows, measuring: measured), measured: measured, withValue: false))
        return .ok(.init(body: .json(report)))
    }

    func abuseReport(_ input: Operations.AbuseReport.Input) async throws -> Operations.AbuseReport.Output {
        let principal = try OperationContext.require(.reportsRead)
        let range = try await reports.range(accountId: principal.accountId, from: input.query.from, to: input.query.to)
        let report = try await reports.abuse(accountId: principal.accountId, range: range)
        if Self.wantsCSV(input.query.format) {
            return .ok(.init(body: .csv(Self.download(CSV.abuse(report), name: "abuse", range))))
        }
        let body = Components.Schemas.AbuseReport(
            from: range.from.description, to: range.to.description, timeZone: range.timeZone,
            rows: report.days.map(Components.Schemas.AbuseReportDay.init))
        return .ok(.init(body: .json(body)))
    }

    /// CSV when `format=csv`, or without a `format` when the client accepts `text/csv`.
    static func wantsCSV(_ format: Components.Parameters.ReportFormat?) -> Bool {
        if let format { return format == .csv }
        return OperationContext.accepts("text/csv")
    }

    /// `text` as the body of a UTF-8 download named after the report and its range.
    static func download(_ text: String, name: String, _ range: ReportRange) -> HTTPBody {
        OperationContext.setResponseHeader(.contentType, "text/csv; charset=utf-8")
        OperationContext.setResponseHeader(.contentDisposition, "attachment; filename=\"\(name)-\(range.from)-\(range.to).csv\"")
        return HTTPBody(text)
    }
}

extension Components.Schemas.FunnelRow {
    init(_ row: RollupRow) {
        self.init(
            day: row.day?.description, hour: row.hour, campaignId: row.campaignId, engagementId: row.engagementId,
            revision: row.revision, placement: row.placement, metrics: .init(row.metrics))
    }
}

extension Components.Schemas.FunnelMetrics {
    init(_ metrics: FunnelMetrics) {
        self.init(
            visits: metrics.visits, pageViews: metrics.pageViews, prospects: metrics.prospects, exposed: metrics.exposed,
            exposures: metrics.exposures, engagementViews: metrics.engagementViews, clicks: metrics.clicks, engaged: metrics.engaged,
            callsRequested: metrics.callsRequested, callsConnected: metrics.callsConnected, callsCompleted: metrics.callsCompleted,
            goalsReached: metrics.goalsReached, conversions: metrics.conversions, crossSessionConversions: metrics.crossSessionConversions,
            crossSessionConversionsAfterEngagement: metrics.crossSessionConversionsAfterEngagement,
            controlGroupVisits: metrics.controlGroupVisits, controlGroupConversions: metrics.controlGroupConversions,
            revenue: metrics.revenue, lift: ExplicitNull(metrics.lift), notShown: .init(additionalProperties: metrics.notShown))
    }
}

extension Components.Schemas.CustomReportRow {
    /// The row's sum and average only with a measure (null where none was a number); the total
    /// has no value.
    init(_ row: CustomReportRow, measured: Bool, withValue: Bool) {
        self.init(
            value: withValue ? ExplicitNull(row.value) : nil, count: row.count, sum: measured ? ExplicitNull(row.sum) : nil,
            average: measured ? ExplicitNull(row.average) : nil)
    }
}

extension Components.Schemas.AbuseReportDay {
    init(_ day: AbuseReport.Day) {
        self.init(
            day: day.day.description, clicksRefused: .init(additionalProperties: day.clicksRefused), dialsAuthorized: day.dialsAuthorized,
            dialsRefused: .init(additionalProperties: day.dialsRefused), visitorsBlocked: day.visitorsBlocked,
            numbersBlocked: day.numbersBlocked, blocksLifted: day.blocksLifted)
    }
}
