import BeckonCore
import Foundation

/// The reports as CSV downloads: one column per dimension grouped by, counter and reason seen.
extension CSV {
    static func funnel(_ rows: [RollupRow], groupBy: [RollupDimension]) -> String {
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
        var lines = [line(header)]
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
            cells.append(number(row.metrics.revenue))
            cells.append(row.metrics.lift.map(number) ?? "")
            cells += reasons.map { String(row.metrics.notShown[$0] ?? 0) }
            lines.append(line(cells))
        }
        return lines.joined()
    }

    /// One line per reported value (a formula-like value is neutralised: it came from a page).
    static func custom(_ rows: [CustomReportRow], query: CustomReportQuery) -> String {
        let measured = query.measure.path != nil
        var lines = [line(["value", "count"] + (measured ? ["sum", "average"] : []))]
        for row in rows {
            var cells = [text(row.value ?? ""), String(row.count)]
            if measured { cells += [row.sum.map(number) ?? "", row.average.map(number) ?? ""] }
            lines.append(line(cells))
        }
        return lines.joined()
    }

    /// One line per day, a column per refusal reason.
    static func abuse(_ report: AbuseReport) -> String {
        var lines = [
            line(
                ["day"] + AbuseReport.clickReasons.map { "clicksRefused.\($0)" } + ["dialsAuthorized"]
                    + AbuseReport.dialReasons.map { "dialsRefused.\($0)" } + ["visitorsBlocked", "numbersBlocked", "blocksLifted"])
        ]
        for day in report.days {
            lines.append(
                line(
                    [day.day.description] + AbuseReport.clickReasons.map { String(day.clicksRefused[$0] ?? 0) }
                        + [String(day.dialsAuthorized)] + AbuseReport.dialReasons.map { String(day.dialsRefused[$0] ?? 0) }
                        + [String(day.visitorsBlocked), String(day.numbersBlocked), String(day.blocksLifted)]))
        }
        return lines.joined()
    }
}
