import Crypto
package import Foundation

/// One tagged website (or app) of an account — LivePerson's `appInstallationId`.
package struct Site: Hashable, Sendable, Codable {
    package var id: String
    package var accountId: AccountID
    package var name: String
    /// Origins (`https://www.brand.example`) whose pages may call the monitoring API (CORS).
    package var allowedOrigins: [String]
    /// SHA-256 of the site's debug key, which unlocks the decision trace (`?debug=1`, SPEC §4).
    package var debugKeyHash: [UInt8]
    package var createdAt: Date

    package init(
        id: String, accountId: AccountID, name: String, allowedOrigins: [String], debugKeyHash: [UInt8], createdAt: Date
    ) {
        self.id = id
        self.accountId = accountId
        self.name = name
        self.allowedOrigins = allowedOrigins
        self.debugKeyHash = debugKeyHash
        self.createdAt = createdAt
    }

    /// Whether `key` is this site's debug key, compared in constant time.
    package func matchesDebugKey(_ key: String) -> Bool {
        ConstantTime.equals(Array(SHA256.hash(data: Array(key.utf8))), debugKeyHash)
    }

    package static func hashDebugKey(_ key: String) -> [UInt8] { Array(SHA256.hash(data: Array(key.utf8))) }
}

extension Site {
    /// Site ids are opaque, random and URL-safe; the `s_` prefix makes them recognisable in logs.
    package static func makeID() -> String { "s_" + RandomToken.make(byteCount: 12) }

    /// Normalises an origin to `scheme://host[:port]` (lower-case, default port dropped) and
    /// refuses anything that is not one: a path, a query, credentials or a scheme other than
    /// http(s).
    package static func normalizeOrigin(_ text: String) throws(BeckonError) -> String {
        let reason = "'\(text)' is not an origin such as https://www.brand.example"
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = components.host?.lowercased(), !host.isEmpty,
            components.path.isEmpty || components.path == "/",
            components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { throw .invalidInput(field: "allowedOrigins", reason: reason) }
        var origin = "\(scheme)://\(host)"
        if let port = components.port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) {
            origin += ":\(port)"
        }
        return origin
    }

    package static func validate(name: String) throws(BeckonError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw .invalidInput(field: "name", reason: "must be 1 to 200 characters")
        }
    }
}
