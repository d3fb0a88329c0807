/// A visitor or visit id (SPEC §2): 128 random bits, written as 22 base64url characters. Kept as
/// two integers in memory so a million live visits do not carry a million heap strings.
public struct VisitToken: Hashable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A fresh id from the system CSPRNG.
    public static func random() -> VisitToken {
        var generator = SystemRandomNumberGenerator()
        return VisitToken(high: generator.next(), low: generator.next())
    }

    /// Parses the 22-character form; nil for anything else (a client may send garbage).
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 22, let bytes = Base64URL.decode(String(text)), bytes.count == 16,
            Base64URL.encode(bytes) == text
        else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(bytes[index])
            low = low << 8 | UInt64(bytes[index + 8])
        }
        self.init(high: high, low: low)
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    public var description: String { Base64URL.encode(bytes) }
}
