import BeckonCore
import Foundation

extension BeckonError {
    /// A request body that did not decode, as a 400 naming the field: the same wording whether
    /// a generated decoder or a hand-written route refused it.
    init(decoding error: DecodingError) {
        switch error {
        case .typeMismatch(let expected, let context), .valueNotFound(let expected, let context):
            self = .invalidInput(field: context.codingPath.dotted, reason: "must be \(Self.describe(expected))")
        case .keyNotFound(let key, let context):
            self = .invalidInput(field: (context.codingPath + [key]).dotted, reason: "is required")
        case .dataCorrupted(let context):
            let reason: String
            if context.debugDescription.hasPrefix("Additional properties are disabled") {
                reason = "unknown field"
            } else if let value = Self.refusedValue(context.debugDescription) {
                reason = "unknown value '\(value.prefix(64))'"
            } else if context.codingPath.isEmpty {
                reason = "must be a JSON object"
            } else {
                reason = context.debugDescription
            }
            self = .invalidInput(field: context.codingPath.dotted, reason: reason)
        @unknown default:
            self = .invalidInput(field: "body", reason: "does not match the expected shape")
        }
    }

    /// The value in Foundation's "Cannot initialize Scope from invalid String value root".
    static func refusedValue(_ description: String) -> Substring? {
        guard description.hasPrefix("Cannot initialize"), let range = description.range(of: " value ") else { return nil }
        return description[range.upperBound...]
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String].Type, is [Any].Type: "an array"
        default: "a \(type)"
        }
    }
}

extension [any CodingKey] {
    /// `caps.perVisit`, `items[2].name`; `body` for the whole body.
    var dotted: String {
        isEmpty
            ? "body"
            : map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
    }
}
