/// The bearer form of an API key: `bk_<keyId>_<secret>`. The key id lets the server find the
/// stored hash with one lookup; the secret is compared in constant time.
package struct BearerCredential: Equatable, Sendable {
    package var keyID: String
    package var secret: String

    package static let prefix = "bk_"

    package init(keyID: String, secret: String) {
        self.keyID = keyID
        self.secret = secret
    }

    /// Parses the token part of `Authorization: Bearer …`; nil for anything else.
    package init?(token: String) {
        guard token.hasPrefix(Self.prefix), token.utf8.count <= 200 else { return nil }
        let rest = token.dropFirst(Self.prefix.count)
        guard let separator = rest.firstIndex(of: "_") else { return nil }
        let id = String(rest[..<separator])
        let secret = String(rest[rest.index(after: separator)...])
        guard !id.isEmpty, !secret.isEmpty else { return nil }
        self.init(keyID: id, secret: secret)
    }

    package var token: String { Self.prefix + keyID + "_" + secret }
}
