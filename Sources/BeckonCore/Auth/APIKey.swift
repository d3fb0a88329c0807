import Crypto
public import Foundation

/// An account's API key as stored: the bearer secret only as a SHA-256 hash, the OAuth 1.0a
/// secrets sealed by `SecretBox`. The plaintext exists once, in `IssuedAPIKey`.
public struct APIKey: Hashable, Sendable {
    /// Public identifier; also the OAuth 1.0a consumer key.
    public var id: String
    public var accountId: AccountID
    public var name: String
    public var scopes: Set<Scope>
    /// SHA-256 of the bearer secret. A fast hash suffices: the secret is 256 random bits.
    public var bearerSecretHash: [UInt8]
    /// The OAuth 1.0a access token (an identifier, like the consumer key).
    public var oauthToken: String
    public var sealedConsumerSecret: [UInt8]
    public var sealedTokenSecret: [UInt8]
    public var createdAt: Date
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(
        id: String, accountId: AccountID, name: String, scopes: Set<Scope>, bearerSecretHash: [UInt8],
        oauthToken: String, sealedConsumerSecret: [UInt8], sealedTokenSecret: [UInt8], createdAt: Date,
        revokedAt: Date? = nil, lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.accountId = accountId
        self.name = name
        self.scopes = scopes
        self.bearerSecretHash = bearerSecretHash
        self.oauthToken = oauthToken
        self.sealedConsumerSecret = sealedConsumerSecret
        self.sealedTokenSecret = sealedTokenSecret
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    public var isRevoked: Bool { revokedAt != nil }

    /// Whether `secret` is this key's bearer secret, compared in constant time.
    public func matchesBearerSecret(_ secret: String) -> Bool {
        ConstantTime.equals(Array(SHA256.hash(data: Array(secret.utf8))), bearerSecretHash)
    }
}

/// A key at the moment it is created: the only time its secrets exist in plaintext (SPEC §14's
/// `apikey create --json` shape).
public struct IssuedAPIKey: Sendable, Codable, Equatable {
    public struct OAuth1: Sendable, Codable, Equatable {
        public var consumerKey: String
        public var consumerSecret: String
        public var token: String
        public var tokenSecret: String
    }

    public var id: String
    public var scopes: [String]
    /// `Authorization: Bearer <bearer>`.
    public var bearer: String
    public var oauth1: OAuth1
}
