import BeckonCore
package import Foundation

/// One result row, decoded from the driver's representation into `SQLValue`s by column name.
package struct SQLRow: Sendable {
    package var values: [String: SQLValue]

    package init(values: [String: SQLValue]) { self.values = values }

    package func int(_ column: String) throws -> Int64 {
        guard case .integer(let value) = values[column] else { throw mismatch(column, "integer") }
        return value
    }

    package func optionalInt(_ column: String) throws -> Int64? {
        if case .null = values[column] ?? .null { return nil }
        return try int(column)
    }

    package func text(_ column: String) throws -> String {
        guard case .text(let value) = values[column] else { throw mismatch(column, "text") }
        return value
    }

    package func optionalText(_ column: String) throws -> String? {
        if case .null = values[column] ?? .null { return nil }
        return try text(column)
    }

    package func blob(_ column: String) throws -> [UInt8] {
        switch values[column] {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        default: throw mismatch(column, "blob")
        }
    }

    package func optionalBlob(_ column: String) throws -> [UInt8]? {
        if case .null = values[column] ?? .null { return nil }
        return try blob(column)
    }

    package func date(_ column: String) throws -> Date { Date(millisecondsSince1970: try int(column)) }

    package func optionalDate(_ column: String) throws -> Date? {
        try optionalInt(column).map(Date.init(millisecondsSince1970:))
    }

    private func mismatch(_ column: String, _ expected: String) -> SQLFailure {
        .unavailable(underlying: "column \(column) is not \(expected): \(String(describing: values[column]))")
    }
}

extension SQLValue {
    package static func date(_ date: Date) -> SQLValue { .integer(date.millisecondsSince1970) }
    package static func optionalDate(_ date: Date?) -> SQLValue { date.map { .date($0) } ?? .null }
    package static func optionalText(_ text: String?) -> SQLValue { text.map { .text($0) } ?? .null }
}
