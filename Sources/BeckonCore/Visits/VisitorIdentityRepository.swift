package import Foundation

/// Which visitor a brand's identity of a consumer (LivePerson's `identities` {iss, sub} or
/// `consumerId`) was last seen with, so a call without `vid` that names it continues that visitor
/// (SPEC §4). Identities are stored only as keyed hashes (the account's number-hash secrets).
package protocol VisitorIdentityRepository: Sendable {
    /// The visitor most recently seen with any of `hashes`, if any.
    func visitor(accountId: AccountID, hashes: [[UInt8]]) async throws -> String?
    /// Remembers that `hash` was seen with `visitorId` at `at` (replacing an older visitor).
    func remember(accountId: AccountID, hash: [UInt8], visitorId: String, at: Date) async throws
    /// Forgets every identity of the visitor (erasure); answers how many.
    func forget(accountId: AccountID, visitorId: String) async throws -> Int
}
