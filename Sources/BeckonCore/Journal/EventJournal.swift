package import Foundation

/// The durable, append-only log of everything visitors and brands do.
package protocol EventJournal: Sendable {
    /// Returns only when every event is durable: a caller may acknowledge its client then.
    func append(_ events: [JournalEvent]) async throws
    /// Events of one account in a time range, in sequence order.
    func events(_ query: JournalQuery) async throws -> [StoredEvent]
    /// The most recent `limit` events of one visitor of one account that occurred at or after
    /// `since`, in sequence order (rebuilding a visitor after a restart or on another node).
    func events(accountId: AccountID, visitorId: String, since: Date, limit: Int) async throws -> [StoredEvent]
}

/// A backend's side of the journal: writes one batch per transaction. `GroupCommitJournal`
/// turns many callers' appends into few such batches.
package protocol JournalStore: Sendable {
    /// Writes all `events` in one transaction; returns when it is committed durably.
    func write(_ events: [JournalEvent]) async throws
    func events(_ query: JournalQuery) async throws -> [StoredEvent]
    func events(accountId: AccountID, visitorId: String, since: Date, limit: Int) async throws -> [StoredEvent]
    /// Up to `limit` events of every account with a sequence greater than `afterSequence`, in
    /// sequence order (the rollup service's feed).
    func events(afterSequence: Int64, limit: Int) async throws -> [StoredEvent]
    /// Deletes every event of one visitor of one account (erasure); answers how many.
    func deleteVisitor(accountId: AccountID, visitorId: String) async throws -> Int
    /// The number of stored events (operations and tests).
    func count() async throws -> Int
}
