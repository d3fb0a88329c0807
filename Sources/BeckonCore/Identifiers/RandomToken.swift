import Foundation

/// Unguessable identifiers and secrets from the system CSPRNG (`SystemRandomNumberGenerator`
/// reads `getrandom(2)` on Linux and `arc4random` on Apple platforms).
package enum RandomToken {
    /// `byteCount` random bytes as unpadded base64url (`[A-Za-z0-9_-]`): 16 bytes give 22
    /// characters and 128 bits, the floor SPEC §2 sets for visitor and session ids.
    package static func make(byteCount: Int = 16) -> String {
        Base64URL.encode(bytes(byteCount))
    }

    /// `count` random bytes.
    package static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A random string of `length` characters drawn from `alphabet`, without modulo bias.
    package static func make(length: Int, alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// Unpadded base64url, as used in tokens and ids that travel in URLs.
package enum Base64URL {
    package static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let data = [UInt8](bytes)
        var standard = Base64.encode(data)
        standard = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while standard.hasSuffix("=") { standard.removeLast() }
        return standard
    }

    package static func decode(_ text: String) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard.append("=") }
        return Base64.decode(standard)
    }
}
