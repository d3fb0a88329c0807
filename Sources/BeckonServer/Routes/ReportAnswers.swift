import BeckonCore
import Foundation
import Hummingbird

/// The funnel report's JSON (SPEC §8a) and CSV.
struct FunnelReport: Encodable, Sendable {
    var range: ReportRoutes.Range
    var groupBy: [RollupDimension]
    var rows: [RollupRow]

    private enum Keys: String, CodingKey { case from, to, timeZone, groupBy, rows }
    private enum RowKeys: String, CodingKey { case day, hour, campaignId, engagementId, revision, placement, metrics }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(range.from, forKey: .from)
        try container.encode(range.to, forKey: .to)
        try container.encode(range.timeZone, forKey: .timeZone)
        try container.encode(groupBy.map(\.rawValue), forKey: .groupBy)
        var list = container.nestedUnkeyedContainer(forKey: .rows)
        for row in rows {
            var item = list.nestedContainer(keyedBy: RowKeys.self)
            try item.encodeIfPresent(row.day, forKey: .day)
            try item.encodeIfPresent(row.hour, forKey: .hour)
            try item.encodeIfPresent(row.campaignId, forKey: .campaignId)
            try item.encodeIfPresent(row.engagementId, forKey: .engagementId)
            try item.encodeIfPresent(row.revision, forKey: .revision)
            try item.encodeIfPresent(row.placement, forKey: .placement)
            try item.encode(MetricsJSON(metrics: row.metrics), forKey: .metrics)
        }
    }

    private struct MetricsJSON: Encodable {
        var metrics: FunnelMetrics

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for counter in FunnelMetrics.counters {
                try container.encode(metrics[keyPath: counter.path], forKey: Key(stringValue: counter.name))
            }
            try container.encode(metrics.revenue, forKey: Key(stringValue: "revenue"))
            try container.encode(metrics.lift, forKey: Key(stringValue: "lift"))
            try container.encode(metrics.notShown, forKey: Key(stringValue: "notShown"))
        }
    }

    var csv: String {
        let dimensions = [RollupDimension.day, .hour, .campaign, .engagement, .revision, .placement].filter(groupBy.contains)
        let reasons = Set(rows.flatMap(\.metrics.notShown.keys)).sorted()
        let header =
            dimensions.map { dimension in
                switch dimension {
                case .campaign: "campaignId"
                case .engagement: "engagementId"
                default: dimension.rawValue
                }
            } + FunnelMetrics.counters.map(\.name) + ["revenue", "lift"] + reasons.map { "notShown.\($0)" }
        var lines = [CSV.line(header)]
        for row in rows {
            var cells: [String] = dimensions.map { dimension in
                switch dimension {
                case .day: row.day?.description ?? ""
                case .hour: row.hour.map(String.init) ?? ""
                case .campaign: row.campaignId.map(String.init) ?? ""
                case .engagement: row.engagementId.map(String.init) ?? ""
                case .revision: row.revision.map(String.init) ?? ""
                case .placement: row.placement ?? ""
                }
            }
            cells += FunnelMetrics.counters.map { String(row.metrics[keyPath: $0.path]) }
            cells.append(CSV.number(row.metrics.revenue))
            cells.append(row.metrics.lift.map(CSV.number) ?? "")
            cells += reasons.map { String(row.metrics.notShown[$0] ?? 0) }
            lines.append(CSV.line(cells))
        }
        return lines.joined()
    }
}

/// The custom report's JSON and CSV.
struct CustomReport: Encodable, Sendable {
    var range: ReportRoutes.Range
    var query: CustomReportQuery
    var rows: [CustomReportRow]

    private enum Keys: String, CodingKey { case from, to, timeZone, attribute, measure, filters, campaignId, rows, total }
    private enum RowKeys: String, CodingKey { case value, count, sum, average }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(range.from, forKey: .from)
        try container.encode(range.to, forKey: .to)
        try container.encode(range.timeZone, forKey: .timeZone)
        try container.encodeIfPresent(query.attribute?.description, forKey: .attribute)
        try container.encode(query.measure.description, forKey: .measure)
        try container.encode(query.filters.map { "\($0.path)\($0.negated ? "!=" : "=")\($0.value)" }, forKey: .filters)
        try container.encodeIfPresent(query.campaignId, forKey: .campaignId)
        var list = container.nestedUnkeyedContainer(forKey: .rows)
        for row in rows { try encode(row, into: list.nestedContainer(keyedBy: RowKeys.self), withValue: true) }
        try encode(total, into: container.nestedContainer(keyedBy: RowKeys.self, forKey: .total), withValue: false)
    }

    private func encode(_ row: CustomReportRow, into container: KeyedEncodingContainer<RowKeys>, withValue: Bool) throws {
        var container = container
        if withValue { try container.encode(row.value, forKey: .value) }
        try container.encode(row.count, forKey: .count)
        if query.measure.path != nil {
            try container.encode(row.sum, forKey: .sum)
            try container.encode(row.average, forKey: .average)
        }
    }

    /// All groups together.
    var total: CustomReportRow { CustomReportRow.total(rows, measuring: query.measure.path != nil) }

    var csv: String {
        let measured = query.measure.path != nil
        var lines = [CSV.line(["value", "count"] + (measured ? ["sum", "average"] : []))]
        for row in rows {
            var cells = [CSV.text(row.value ?? ""), String(row.count)]
            if measured { cells += [row.sum.map(CSV.number) ?? "", row.average.map(CSV.number) ?? ""] }
            lines.append(CSV.line(cells))
        }
        return lines.joined()
    }
}
