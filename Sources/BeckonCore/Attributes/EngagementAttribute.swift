import Foundation

/// One engagement attribute (LivePerson's SDE, SPEC §6) as the page or the brand sent it: the
/// whole JSON object is kept, unknown fields included; the known fields of the ten LivePerson
/// types (and Beckon's `convStatus`) are checked for their documented types.
package struct EngagementAttribute: Hashable, Sendable, Codable {
    package var fields: [String: JSONValue]

    package var type: String { fields["type"]?.string ?? "" }

    /// The documented types, LivePerson's ten plus Beckon's `convStatus`.
    package static let knownTypes: Set<String> = [
        "cart", "purchase", "prodView", "ctmrinfo", "mrktInfo", "personal", "lead", "service", "error", "searchInfo",
        "convStatus",
    ]

    package init(fields: [String: JSONValue]) throws(BeckonError) {
        self.fields = fields
        try validate()
    }

    /// An attribute Beckon validated before it stored it.
    package init(stored fields: [String: JSONValue]) {
        self.fields = fields
    }

    package init(from decoder: any Decoder) throws {
        let fields = try [String: JSONValue](from: decoder)
        do {
            try self.init(fields: fields)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    package func encode(to encoder: any Encoder) throws { try fields.encode(to: encoder) }

    /// Refuses what contradicts the documented shape — a missing `type`, a mandatory field
    /// left out, a field of the wrong JSON type — naming the field. Unknown fields and unknown
    /// types pass: they are kept for custom reports.
    package func validate() throws(BeckonError) {
        guard case .string(let type)? = fields["type"], !type.isEmpty else {
            throw .invalidInput(field: "type", reason: "every engagement attribute has a type such as cart or purchase")
        }
        for rule in Self.schema[type] ?? [] {
            try rule.check(in: .object(fields), type: type)
        }
    }

    /// A documented field: where it is, what JSON type it has, whether it must be there.
    struct FieldRule {
        enum Kind { case string, number, integer, bool, array, object }
        var path: [String]
        var kind: Kind
        var required = false

        func check(in root: JSONValue, type: String) throws(BeckonError) {
            var value: JSONValue? = root
            for key in path { value = value?[key] }
            let name = "\(type).\(path.joined(separator: "."))"
            guard let value, value != .null else {
                if required { throw .invalidInput(field: name, reason: "is required") }
                return
            }
            let fits: Bool =
                switch kind {
                // Ids sent as numbers (`"orderId": 1234`) are common in page code; accept them.
                case .string: value.string != nil || value.number != nil
                case .number: value.number != nil
                case .integer: value.number.map { $0.rounded() == $0 } ?? false
                case .bool: value.bool != nil
                case .array: value.array != nil
                case .object: if case .object = value { true } else { false }
                }
            guard fits else { throw .invalidInput(field: name, reason: "must be \(kind.description)") }
        }
    }

    /// The documented fields per type (reference/liveperson-api-contracts.md §4, SPEC §6).
    static let schema: [String: [FieldRule]] = [
        "cart": [
            .init(path: ["total"], kind: .number, required: true), .init(path: ["currency"], kind: .string),
            .init(path: ["numItems"], kind: .integer, required: true), .init(path: ["products"], kind: .array),
        ],
        "purchase": [
            .init(path: ["total"], kind: .number), .init(path: ["currency"], kind: .string),
            .init(path: ["orderId"], kind: .string), .init(path: ["cart"], kind: .object),
            .init(path: ["cart", "products"], kind: .array), .init(path: ["cart", "numItems"], kind: .integer),
        ],
        "prodView": [.init(path: ["currency"], kind: .string), .init(path: ["products"], kind: .array)],
        "ctmrinfo": [
            .init(path: ["info"], kind: .object, required: true), .init(path: ["info", "ctype"], kind: .string),
            .init(path: ["info", "cstatus"], kind: .string), .init(path: ["info", "balance"], kind: .number),
            .init(path: ["info", "currency"], kind: .string), .init(path: ["info", "customerId"], kind: .string),
            .init(path: ["info", "companySize"], kind: .integer), .init(path: ["info", "loginStatus"], kind: .integer),
        ],
        "mrktInfo": [
            .init(path: ["info"], kind: .object, required: true), .init(path: ["info", "channel"], kind: .integer),
            .init(path: ["info", "affiliate"], kind: .string), .init(path: ["info", "campaignId"], kind: .string),
        ],
        "personal": [
            .init(path: ["personal"], kind: .object, required: true),
            .init(path: ["personal", "firstname"], kind: .string), .init(path: ["personal", "lastname"], kind: .string),
            .init(path: ["personal", "age"], kind: .object), .init(path: ["personal", "contacts"], kind: .array),
            .init(path: ["personal", "company"], kind: .string), .init(path: ["personal", "language"], kind: .string),
        ],
        "lead": [
            .init(path: ["lead"], kind: .object, required: true), .init(path: ["lead", "topic"], kind: .string),
            .init(path: ["lead", "value"], kind: .number), .init(path: ["lead", "currency"], kind: .string),
            .init(path: ["lead", "leadId"], kind: .string),
        ],
        "service": [
            .init(path: ["service"], kind: .object, required: true), .init(path: ["service", "topic"], kind: .string),
            .init(path: ["service", "status"], kind: .integer), .init(path: ["service", "category"], kind: .string),
            .init(path: ["service", "serviceId"], kind: .string),
        ],
        "error": [
            .init(path: ["error"], kind: .object, required: true), .init(path: ["error", "contextId"], kind: .string),
            .init(path: ["error", "message"], kind: .string), .init(path: ["error", "code"], kind: .string),
            .init(path: ["error", "level"], kind: .integer), .init(path: ["error", "resolved"], kind: .bool),
        ],
        "searchInfo": [.init(path: ["keywords"], kind: .array, required: true)],
        "convStatus": [
            .init(path: ["contextId"], kind: .string, required: true), .init(path: ["status"], kind: .string, required: true),
            .init(path: ["callId"], kind: .string), .init(path: ["agentId"], kind: .string),
            .init(path: ["queuePosition"], kind: .integer), .init(path: ["estimatedWaitSeconds"], kind: .integer),
            .init(path: ["durationSeconds"], kind: .integer), .init(path: ["disposition"], kind: .string),
            .init(path: ["reason"], kind: .string),
        ],
    ]
}

extension EngagementAttribute.FieldRule.Kind: CustomStringConvertible {
    var description: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .integer: "a whole number"
        case .bool: "true or false"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
