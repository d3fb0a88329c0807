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

extension JournalStore {
    /// Writes `events` as one append (events without visitor sequences are never refused).
    package func write(_ events: [JournalEvent]) async throws {
        guard try await write([JournalAppend(events: events)]).isEmpty else { throw JournalRefusal.staleCopy }
    }
}

/// Why the journal did not write an append.
package enum JournalRefusal: Error, Equatable {
    /// The visitor's copy the events were made from missed what another node (or an earlier,
    /// refused change) wrote: drop the copy, rebuild it from the journal, try again.
    case staleCopy
}

/// A backend's side of the journal: writes one batch per transaction. `GroupCommitJournal`
/// turns many callers' appends into few such batches.
package protocol JournalStore: Sendable {
    /// Writes the appends in one transaction; returns when it is committed durably. An append
    /// with an event whose visitor sequence is taken already (another node's copy wrote there)
    /// is refused whole, and so is every other append in the batch for that visitor; the answer
    /// is the refused appends' positions. Everything else is written.
    func write(_ appends: [JournalAppend]) async throws -> Set<Int>
    /// The highest visitor sequence stored for the visitor; 0 when none.
    func latestVisitorSequence(accountId: AccountID, visitorId: String) async throws -> Int64
    /// The highest sequence stored; 0 when the journal is empty.
    func latestSequence() async throws -> Int64
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
