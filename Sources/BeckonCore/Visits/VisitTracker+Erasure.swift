import Foundation

extension EventKind {
    /// An audit record that a visitor's data was erased; it names no visitor.
    public static let erasure: EventKind = "erasure"
}

extension VisitTracker {
    /// Erases one visitor of one account (SPEC §8a `DELETE visitors/{id}`): the live visit in
    /// memory, every journal event, every stored report fact and every identity of the visitor. Hourly rollups
    /// keep their counts, which name nobody. Answers how many journal events were removed, nil when
    /// the visitor was not known.
    ///
    /// The memory goes first, under the visitor's lock; then an audit record is appended and waited
    /// for — group commit is first-in first-out, so every event queued for the visitor before is
    /// durable by then — and only then are the rows deleted.
    public func erase(
        accountId: AccountID, visitorId: VisitToken, journalStore: any JournalStore, rollups: any RollupRepository,
        identities: any VisitorIdentityRepository
    ) async throws -> Int? {
        let key = LiveVisitStore.Key(accountId: accountId, visitorId: visitorId)
        let wasLive = store.withVisitor(key) { state -> Bool in
            defer { state = nil }
            return state != nil
        }
        try await journal.append([
            JournalEvent(
                accountId: accountId, kind: .erasure, occurredAt: clock.now(), visitorId: nil, sessionId: nil,
                payload: #"{"erased":"visitor"}"#)
        ])
        let removed = try await journalStore.deleteVisitor(accountId: accountId, visitorId: visitorId.description)
        _ = try await rollups.deleteFacts(accountId: accountId, visitorId: visitorId.description)
        _ = try await identities.forget(accountId: accountId, visitorId: visitorId.description)
        return removed > 0 || wasLive ? removed : nil
    }
}
