/// A visitor or visit id (SPEC §2): 128 random bits, written as 22 base64url characters. Kept as
/// two integers in memory so a million live visits do not carry a million heap strings.
package struct VisitToken: Hashable, Sendable, CustomStringConvertible {
    package let high: UInt64
    package let low: UInt64

    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A fresh id from the system CSPRNG.
    package static func random() -> VisitToken {
        var generator = SystemRandomNumberGenerator()
        return VisitToken(high: generator.next(), low: generator.next())
    }

    /// Parses the 22-character form; nil for anything else (a client may send garbage). Hand
    /// rolled: ids are parsed and printed several times on every page view.
    package init?(_ text: some StringProtocol) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var count = 0
        for byte in text.utf8 {
            guard count < 22, let value = Self.decodeTable[Int(byte)] else { return nil }
            // 22 characters carry 132 bits; the last character's low 4 bits must be zero.
            if count < 10 {
                high = high << 6 | UInt64(value)
            } else if count == 10 {
                high = high << 4 | UInt64(value >> 2)
                low = UInt64(value & 0b11)
            } else if count < 21 {
                low = low << 6 | UInt64(value)
            } else {
                guard value & 0b1111 == 0 else { return nil }
                low = low << 2 | UInt64(value >> 4)
            }
            count += 1
        }
        guard count == 22 else { return nil }
        self.init(high: high, low: low)
    }

    package var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
    }

    package var description: String {
        String(unsafeUninitializedCapacity: 22) { buffer in
            for index in 0..<10 { buffer[index] = Self.alphabet[Int((high >> (58 - 6 * UInt64(index))) & 0x3F)] }
            buffer[10] = Self.alphabet[Int((high & 0xF) << 2 | (low >> 62))]
            for index in 0..<10 { buffer[11 + index] = Self.alphabet[Int((low >> (56 - 6 * UInt64(index))) & 0x3F)] }
            buffer[21] = Self.alphabet[Int((low & 0x3) << 4)]
            return 22
        }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let decodeTable: [UInt8?] = {
        var table = [UInt8?](repeating: nil, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()
}
