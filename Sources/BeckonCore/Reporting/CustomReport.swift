package import Foundation

/// A path into the engagement attributes (SDEs) a page or brand reported: the SDE type, then
/// fields (`convStatus.disposition`, `purchase.total`). LivePerson wraps some SDEs' fields in an
/// object (`lead.lead.topic`, `ctmrinfo.info.ctype`); the wrapper may be left out
/// (`lead.topic`, `ctmrinfo.ctype`).
package struct AttributePath: Hashable, Sendable, CustomStringConvertible {
    package var type: String
    package var fields: [String]

    package init(_ text: String, parameter: String) throws(BeckonError) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts.count <= 6, text.count <= 200,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } })
        else {
            throw .invalidInput(field: parameter, reason: "must be an attribute path like convStatus.disposition")
        }
        type = parts[0]
        fields = Array(parts.dropFirst())
    }

    package var description: String { ([type] + fields).joined(separator: ".") }

    /// The value at this path in `attribute` (of this path's type), or nil.
    package func value(in attribute: EngagementAttribute) -> JSONValue? {
        let root = JSONValue.object(attribute.fields)
        if let direct = lookup(root) { return direct }
        for wrapper in [type, "info"] where fields.first != wrapper {
            if let inner = root[wrapper], let value = lookup(inner) { return value }
        }
        return nil
    }

    private func lookup(_ root: JSONValue) -> JSONValue? {
        var current: JSONValue? = root
        for field in fields { current = current?[field] }
        return current
    }
}

/// A custom report (SPEC §10): reported things grouped by one attribute, filtered by others,
/// counted, summed or averaged.
///
/// The things counted ("subjects") are the latest report of each distinct thing of one SDE type
/// in each visit: a call per `contextId` for `convStatus`, a purchase per `orderId`, a lead per
/// `leadId`, a service activity per `serviceId`, otherwise one per visit. Their type is the
/// measure's when it sums or averages, else the grouping attribute's, else the first filter's.
/// A path of another type reads the visit's latest report of that type, so
/// `attribute=ctmrinfo.ctype&measure=sum:purchase.total` is revenue by customer type.
package struct CustomReportQuery: Sendable, Equatable {
    package enum Measure: Sendable, Equatable {
        case count
        case sum(AttributePath)
        case average(AttributePath)

        package var path: AttributePath? {
            switch self {
            case .count: nil
            case .sum(let path), .average(let path): path
            }
        }

        package var description: String {
            switch self {
            case .count: "count"
            case .sum(let path): "sum:\(path)"
            case .average(let path): "avg:\(path)"
            }
        }
    }

    package struct Filter: Sendable, Equatable {
        package var path: AttributePath
        package var value: String
        package var negated: Bool
    }

    package var attribute: AttributePath?
    package var measure: Measure
    package var filters: [Filter]
    /// Only visits in which this campaign's engagement was displayed.
    package var campaignId: Int64?

    /// Parses the query parameters of `reports/custom`.
    package init(attribute: String?, measure: String?, filters: [String], campaignId: Int64? = nil) throws(BeckonError) {
        self.attribute = try attribute.flatMap { $0.isEmpty ? nil : $0 }.map { text throws(BeckonError) in
            try AttributePath(text, parameter: "attribute")
        }
        switch measure ?? "count" {
        case "count", "": self.measure = .count
        case let text where text.hasPrefix("sum:"): self.measure = .sum(try AttributePath(String(text.dropFirst(4)), parameter: "measure"))
        case let text where text.hasPrefix("avg:"):
            self.measure = .average(try AttributePath(String(text.dropFirst(4)), parameter: "measure"))
        default: throw .invalidInput(field: "measure", reason: "must be count, sum:<attribute path> or avg:<attribute path>")
        }
        guard filters.count <= 10 else { throw .invalidInput(field: "filter", reason: "at most 10 filters") }
        self.filters = try filters.map { text throws(BeckonError) in
            guard let equals = text.firstIndex(of: "=") else {
                throw .invalidInput(field: "filter", reason: "must be path=value or path!=value")
            }
            let negated = equals > text.startIndex && text[text.index(before: equals)] == "!"
            let pathEnd = negated ? text.index(before: equals) : equals
            return Filter(
                path: try AttributePath(String(text[..<pathEnd]), parameter: "filter"), value: String(text[text.index(after: equals)...]),
                negated: negated)
        }
        self.campaignId = campaignId
        guard subjectType != nil else {
            throw .invalidInput(field: "attribute", reason: "is required unless the measure or a filter names an attribute")
        }
    }

    /// The SDE type of the things counted.
    package var subjectType: String? {
        measure.path?.type ?? attribute?.type ?? filters.first?.path.type
    }

    var types: Set<String> {
        Set(([attribute, measure.path].compactMap { $0 } + filters.map(\.path)).map(\.type))
    }
}

/// What custom reports read: an attribute a page or brand reported, or a display of a campaign
/// (for the campaign filter). The rollup service stores these beside the rollups, so a custom
/// report reads only the types it names instead of the whole journal.
package struct ReportFact: Sendable, Equatable {
    package enum Content: Sendable, Equatable {
        case attribute(EngagementAttribute)
        case display(campaignId: Int64)
    }

    /// The type displays are stored under (SDE types never start with `#`).
    package static let displayType = "#display"

    package var sequence: Int64
    package var occurredAt: Date
    package var visitorId: String
    package var sessionId: String
    package var content: Content

    package init(sequence: Int64, occurredAt: Date, visitorId: String, sessionId: String, content: Content) {
        self.sequence = sequence
        self.occurredAt = occurredAt
        self.visitorId = visitorId
        self.sessionId = sessionId
        self.content = content
    }

    package var type: String {
        switch content {
        case .attribute(let attribute): attribute.type
        case .display: Self.displayType
        }
    }

    /// The fact an event is, if any.
    package init?(_ stored: StoredEvent) {
        guard let entry = VisitJournalEntry(stored.event) else { return nil }
        self.init(entry, sequence: stored.sequence)
    }

    package init?(_ entry: VisitJournalEntry, sequence: Int64) {
        let content: Content
        switch entry.event {
        case .attribute(let record): content = .attribute(record.attribute)
        case .impression(let record) where record.type == .impDisplay: content = .display(campaignId: record.campaignId)
        default: return nil
        }
        self.init(
            sequence: sequence, occurredAt: entry.occurredAt, visitorId: entry.visitorId.description,
            sessionId: entry.sessionId.description, content: content)
    }
}

/// Which stored facts a custom report reads.
package struct ReportFactQuery: Sendable {
    package var accountId: AccountID
    package var type: String
    package var from: Date
    package var to: Date
    /// Keyset paging: facts after this (occurredAt, sequence).
    package var after: (occurredAt: Date, sequence: Int64)?
    package var limit: Int

    package init(accountId: AccountID, type: String, from: Date, to: Date, after: (Date, Int64)? = nil, limit: Int = 5000) {
        self.accountId = accountId
        self.type = type
        self.from = from
        self.to = to
        self.after = after.map { (occurredAt: $0.0, sequence: $0.1) }
        self.limit = limit
    }
}

/// One group of a custom report.
package struct CustomReportRow: Sendable, Equatable {
    /// The grouping attribute's value as text; nil where it was never reported.
    package var value: String?
    package var count: Int
    /// Sum and average of the measure's numeric values (nil for `count`, or without any).
    package var sum: Double?
    package var average: Double?
    /// How many of the group's subjects had a numeric value to measure.
    package var measured: Int

    package init(value: String?, count: Int, sum: Double? = nil, average: Double? = nil, measured: Int = 0) {
        self.value = value
        self.count = count
        self.sum = sum
        self.average = average
        self.measured = measured
    }

    /// `rows` as one group.
    package static func total(_ rows: [CustomReportRow], measuring: Bool) -> CustomReportRow {
        let measured = rows.reduce(0) { $0 + $1.measured }
        let sum = rows.reduce(0.0) { $0 + ($1.sum ?? 0) }
        return CustomReportRow(
            value: nil, count: rows.reduce(0) { $0 + $1.count }, sum: measuring && measured > 0 ? sum : nil,
            average: measuring && measured > 0 ? sum / Double(measured) : nil, measured: measured)
    }
}

/// Reads journal events (in sequence order) and answers a custom report.
package struct CustomReportBuilder: Sendable {
    package let query: CustomReportQuery
    private let types: Set<String>

    private struct Visit: Sendable {
        var latest: [String: (sequence: Int64, attribute: EngagementAttribute)] = [:]
        var subjects: [String: (sequence: Int64, attribute: EngagementAttribute)] = [:]
        var order: [String] = []
        var displayedCampaigns = Set<Int64>()
    }

    private var visits: [[String]: Visit] = [:]
    private var visitOrder: [[String]] = []

    package init(query: CustomReportQuery) {
        self.query = query
        self.types = query.types
    }

    /// The fact types a custom report reads.
    package var factTypes: [String] {
        query.types.sorted() + (query.campaignId == nil ? [] : [ReportFact.displayType])
    }

    package mutating func add(_ stored: StoredEvent) {
        if let fact = ReportFact(stored) { add(fact) }
    }

    /// Facts in any order: the latest report (by sequence) of a thing wins.
    package mutating func add(_ fact: ReportFact) {
        let key = [fact.visitorId, fact.sessionId]
        switch fact.content {
        case .attribute(let attribute) where types.contains(attribute.type):
            var visit = visits[key] ?? Visit()
            if visits[key] == nil { visitOrder.append(key) }
            if (visit.latest[attribute.type]?.sequence ?? .min) < fact.sequence {
                visit.latest[attribute.type] = (fact.sequence, attribute)
            }
            if attribute.type == query.subjectType {
                let identity = Self.identity(of: attribute) ?? "#\(fact.sequence)"
                if visit.subjects[identity] == nil { visit.order.append(identity) }
                if (visit.subjects[identity]?.sequence ?? .min) < fact.sequence {
                    visit.subjects[identity] = (fact.sequence, attribute)
                }
            }
            visits[key] = visit
        case .display(let campaignId) where campaignId == query.campaignId:
            if visits[key] == nil { visitOrder.append(key) }
            visits[key, default: Visit()].displayedCampaigns.insert(campaignId)
        default: break
        }
    }

    /// What makes two reports of a type the same thing.
    static func identity(of attribute: EngagementAttribute) -> String? {
        func text(_ value: JSONValue?) -> String? { value.flatMap(CustomReportBuilder.text) }
        let fields = JSONValue.object(attribute.fields)
        switch attribute.type {
        case "convStatus": return text(fields["contextId"])
        case "purchase": return text(fields["orderId"])
        case "lead": return text(fields["lead"]?["leadId"])
        case "service": return text(fields["service"]?["serviceId"])
        default: return ""
        }
    }

    /// A value as report text: strings as they are, whole numbers without a fraction.
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .null: return nil
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            return number.rounded() == number && abs(number) < 9e15 ? String(Int64(number)) : String(number)
        case .array, .object:
            let data = (try? JSONEncoder.sortedKeys.encode(value)) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Groups, largest first (then by value; the unreported group last).
    package func rows() -> [CustomReportRow] {
        struct Sums {
            var count = 0
            var sum = 0.0
            var values = 0
        }
        var groups: [String?: Sums] = [:]
        for key in visitOrder {
            guard let visit = visits[key] else { continue }
            if let campaignId = query.campaignId, !visit.displayedCampaigns.contains(campaignId) { continue }
            for identity in visit.order {
                guard let subject = visit.subjects[identity]?.attribute else { continue }
                func value(_ path: AttributePath) -> JSONValue? {
                    let source = path.type == subject.type ? subject : visit.latest[path.type]?.attribute
                    return source.flatMap(path.value(in:))
                }
                let passes = query.filters.allSatisfy { filter in
                    let actual = value(filter.path).flatMap(Self.text) ?? ""
                    return (actual == filter.value) != filter.negated
                }
                guard passes else { continue }
                let group = query.attribute.flatMap { value($0) }.flatMap(Self.text)
                var sums = groups[group] ?? Sums()
                sums.count += 1
                if let path = query.measure.path, let number = value(path)?.number {
                    sums.sum += number
                    sums.values += 1
                }
                groups[group] = sums
            }
        }
        let measured = query.measure.path != nil
        return groups.map { value, sums in
            CustomReportRow(
                value: value, count: sums.count, sum: measured && sums.values > 0 ? sums.sum : nil,
                average: measured && sums.values > 0 ? sums.sum / Double(sums.values) : nil, measured: sums.values)
        }.sorted { lhs, rhs in
            if lhs.count != rhs.count { return lhs.count > rhs.count }
            switch (lhs.value, rhs.value) {
            case (let left?, let right?): return left < right
            case (nil, _): return false
            case (_, nil): return true
            }
        }
    }
}

extension JSONEncoder {
    package static let sortedKeys: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
