import Foundation

extension EventKind {
    /// An audit record that a visitor's data was erased; it names no visitor.
    package static let erasure: EventKind = "erasure"
}

/// Erases one visitor of one account (SPEC §8a `DELETE visitors/{id}`): the live visit in
/// memory, every journal event, every stored report fact, every identity and every webhook
/// delivery about the visitor.
/// Hourly rollups keep their counts, which name nobody.
package struct VisitorErasure: Sendable {
    let ledger: VisitLedger
    let journalStore: any JournalStore
    let rollups: any RollupRepository
    let identities: any VisitorIdentityRepository
    let webhooks: any WebhookRepository

    package init(
        ledger: VisitLedger, journalStore: any JournalStore, rollups: any RollupRepository, identities: any VisitorIdentityRepository,
        webhooks: any WebhookRepository
    ) {
        self.ledger = ledger
        self.journalStore = journalStore
        self.rollups = rollups
        self.identities = identities
        self.webhooks = webhooks
    }

    /// Answers how many journal events were removed, nil when the visitor was not known.
    ///
    /// The memory goes first, under the visitor's lock; then an audit record is appended and waited
    /// for — group commit is first-in first-out, so every event queued for the visitor before is
    /// durable by then — and only then are the rows deleted.
    package func callAsFunction(accountId: AccountID, visitorId: VisitToken) async throws -> Int? {
        let wasLive = ledger.forget(LiveVisitStore.Key(accountId: accountId, visitorId: visitorId))
        try await ledger.journal.append([
            JournalEvent(
                accountId: accountId, kind: .erasure, occurredAt: ledger.clock.now(), visitorId: nil, sessionId: nil,
                payload: #"{"erased":"visitor"}"#)
        ])
        let removed = try await journalStore.deleteVisitor(accountId: accountId, visitorId: visitorId.description)
        _ = try await rollups.deleteFacts(accountId: accountId, visitorId: visitorId.description)
        _ = try await identities.forget(accountId: accountId, visitorId: visitorId.description)
        _ = try await webhooks.deleteVisitor(accountId: accountId, visitorId: visitorId.description)
        return removed > 0 || wasLive ? removed : nil
    }
}
