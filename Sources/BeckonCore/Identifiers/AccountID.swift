/// A brand (tenant). SPEC §2: `[a-z0-9][a-z0-9-]{2,39}` — lower-case so ids are unambiguous in
/// URLs and file names, 3 to 40 characters.
package struct AccountID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    package let rawValue: String

    package init(_ rawValue: String) throws(BeckonError) {
        guard Self.isValid(rawValue) else {
            throw .invalidInput(
                field: "accountId",
                reason: "must be 3 to 40 characters of a-z, 0-9 and '-', starting with a letter or digit")
        }
        self.rawValue = rawValue
    }

    /// For values read back from storage, which were validated when written.
    package init(trusted rawValue: String) { self.rawValue = rawValue }

    package static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (3...40).contains(bytes.count) else { return false }
        func isAlnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard isAlnum(bytes[0]) else { return false }
        return bytes.dropFirst().allSatisfy { isAlnum($0) || $0 == 0x2D }
    }

    package var description: String { rawValue }
    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
