import Crypto
package import Foundation

/// An account's API key as stored: the bearer secret only as a SHA-256 hash, the OAuth 1.0a
/// secrets sealed by `SecretBox`. The plaintext exists once, in `IssuedAPIKey`.
package struct APIKey: Hashable, Sendable {
    /// Public identifier; also the OAuth 1.0a consumer key.
    package var id: String
    package var accountId: AccountID
    package var name: String
    package var scopes: Set<Scope>
    /// SHA-256 of the bearer secret. A fast hash suffices: the secret is 256 random bits.
    package var bearerSecretHash: [UInt8]
    /// The OAuth 1.0a access token (an identifier, like the consumer key).
    package var oauthToken: String
    package var sealedConsumerSecret: [UInt8]
    package var sealedTokenSecret: [UInt8]
    package var createdAt: Date
    package var revokedAt: Date?
    package var lastUsedAt: Date?

    package init(
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

    package var isRevoked: Bool { revokedAt != nil }

    /// Whether `secret` is this key's bearer secret, compared in constant time.
    package func matchesBearerSecret(_ secret: String) -> Bool {
        ConstantTime.equals(Array(SHA256.hash(data: Array(secret.utf8))), bearerSecretHash)
    }
}

/// A key at the moment it is created: the only time its secrets exist in plaintext (SPEC §14's
/// `apikey create --json` shape).
package struct IssuedAPIKey: Sendable, Codable, Equatable {
    package struct OAuth1: Sendable, Codable, Equatable {
        package var consumerKey: String
        package var consumerSecret: String
        package var token: String
        package var tokenSecret: String
    }

    package var id: String
    package var scopes: [String]
    /// `Authorization: Bearer <bearer>`.
    package var bearer: String
    package var oauth1: OAuth1
}
