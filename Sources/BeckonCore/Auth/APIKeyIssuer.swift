import Crypto
import Foundation

/// Makes new API keys: random identifiers and secrets, hashed and sealed for storage.
package struct APIKeyIssuer: Sendable {
    private let secretBox: SecretBox
    private let clock: any WallClock

    package init(secretBox: SecretBox, clock: any WallClock) {
        self.secretBox = secretBox
        self.clock = clock
    }

    private static let alphanumerics = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    private static let secretAlphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// A new key for `account`; store `stored`, hand `issued` to the caller once.
    package func issue(account: AccountID, name: String, scopes: Set<Scope>) -> (stored: APIKey, issued: IssuedAPIKey) {
        let id = "k" + RandomToken.make(length: 19, alphabet: Self.alphanumerics)
        let bearerSecret = RandomToken.make(byteCount: 32)
        let consumerSecret = RandomToken.make(length: 32, alphabet: Self.secretAlphabet)
        let token = "t" + RandomToken.make(length: 31, alphabet: Self.secretAlphabet)
        let tokenSecret = RandomToken.make(length: 32, alphabet: Self.secretAlphabet)
        let stored = APIKey(
            id: id, accountId: account, name: name, scopes: scopes,
            bearerSecretHash: Array(SHA256.hash(data: Array(bearerSecret.utf8))),
            oauthToken: token,
            sealedConsumerSecret: secretBox.seal(consumerSecret, boundTo: id + ":consumer"),
            sealedTokenSecret: secretBox.seal(tokenSecret, boundTo: id + ":token"),
            createdAt: clock.now())
        let issued = IssuedAPIKey(
            id: id, scopes: scopes.sorted().map(\.rawValue),
            bearer: BearerCredential(keyID: id, secret: bearerSecret).token,
            oauth1: .init(consumerKey: id, consumerSecret: consumerSecret, token: token, tokenSecret: tokenSecret))
        return (stored, issued)
    }

    /// The OAuth 1.0a secrets of a stored key, for checking a signature.
    package func oauthSecrets(of key: APIKey) throws(BeckonError) -> (consumerSecret: String, tokenSecret: String) {
        (
            try secretBox.open(key.sealedConsumerSecret, boundTo: key.id + ":consumer"),
            try secretBox.open(key.sealedTokenSecret, boundTo: key.id + ":token")
        )
    }
}
