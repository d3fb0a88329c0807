package import Foundation

/// Authentication state that must hold across restarts and nodes (SPEC §13a): OAuth 1.0a nonces
/// and console sign-in attempts. Each operation is one atomic step in storage, so parallel
/// requests on any node see each other.
package protocol AuthStateRepository: Sendable {
    /// Records `key` until `expiresAt`; false when it is already recorded and not yet expired
    /// (a replay). Atomic: of two parallel claims of one key, one wins.
    func claimNonce(_ key: String, expiresAt: Date, now: Date) async throws -> Bool
    func deleteExpiredNonces(now: Date) async throws
    /// Counts one attempt under every key at once, unless one of them already has `limit`
    /// attempts since `now - window`: then nothing is counted and the answer is how long until
    /// that key may try again. Nil means counted.
    func countAttempt(_ limits: [AttemptLimit], window: TimeInterval, now: Date) async throws -> TimeInterval?
    /// Takes a counted attempt back: `clearing` keys forget all their attempts, `uncounting` keys
    /// lose one.
    func forgiveAttempt(clearing: [String], uncounting: [String]) async throws
    func deleteStaleAttempts(before: Date) async throws
}

/// A throttle key (already hashed: no email address or IP address is stored) and its limit.
package struct AttemptLimit: Sendable, Hashable {
    package var key: String
    package var limit: Int

    package init(key: String, limit: Int) {
        self.key = key
        self.limit = limit
    }
}
