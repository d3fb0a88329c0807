package import Foundation

/// Nonces seen within the timestamp window, so a captured request cannot be replayed: kept in
/// storage until the window ends (SPEC §13a), claimed with one atomic insert, so a replay loses
/// across restarts and nodes too.
package struct NonceRegistry: Sendable {
    let repository: any AuthStateRepository
    let window: TimeInterval
    private let claims = Counter()

    /// Twice OAuth's timestamp window (a request may be up to 5 minutes early or late).
    package static let defaultWindow: TimeInterval = 600

    /// The longest nonce accepted (OAuth 1.0a sets no limit; clients send 32–64 characters).
    package static let maxNonceLength = 128

    package init(repository: any AuthStateRepository, window: TimeInterval = Self.defaultWindow) {
        self.repository = repository
        self.window = window
    }

    /// Records `nonce` for `consumerKey`; false when it was already used within the window.
    package func claim(consumerKey: String, nonce: String, now: Date) async throws -> Bool {
        if claims.next() % 1000 == 0 { try await repository.deleteExpiredNonces(now: now) }
        return try await repository.claimNonce("\(consumerKey) \(nonce)", expiresAt: now.addingTimeInterval(window), now: now)
    }
}
