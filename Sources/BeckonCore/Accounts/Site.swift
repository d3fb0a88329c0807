import Crypto
public import Foundation

/// One tagged website (or app) of an account — LivePerson's `appInstallationId`.
public struct Site: Hashable, Sendable, Codable {
    public var id: String
    public var accountId: AccountID
    public var name: String
    /// Origins (`https://www.brand.example`) whose pages may call the monitoring API (CORS).
    public var allowedOrigins: [String]
    /// SHA-256 of the site's debug key, which unlocks the decision trace (`?debug=1`, SPEC §4).
    public var debugKeyHash: [UInt8]
    public var createdAt: Date

    public init(
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
    public func matchesDebugKey(_ key: String) -> Bool {
        ConstantTime.equals(Array(SHA256.hash(data: Array(key.utf8))), debugKeyHash)
    }

    public static func hashDebugKey(_ key: String) -> [UInt8] { Array(SHA256.hash(data: Array(key.utf8))) }
}

extension Site {
    /// Site ids are opaque, random and URL-safe; the `s_` prefix makes them recognisable in logs.
    public static func makeID() -> String { "s_" + RandomToken.make(byteCount: 12) }

    /// Normalises an origin to `scheme://host[:port]` (lower-case, default port dropped) and
    /// refuses anything that is not one: a path, a query, credentials or a scheme other than
    /// http(s).
    public static func normalizeOrigin(_ text: String) throws(BeckonError) -> String {
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

    public static func validate(name: String) throws(BeckonError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw .invalidInput(field: "name", reason: "must be 1 to 200 characters")
        }
    }
}
