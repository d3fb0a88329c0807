import Foundation

extension VisitTracker {
    /// The clicked Click to Call context a brand wants to dial for, when the click is still
    /// valid: its visit open to the brand, clicked, not expired. Validations are not used up.
    public func clickedContext(
        accountId: AccountID, visitorId: String, sessionId: String, contextId: String
    ) async throws -> LiveVisit.Context? {
        guard let visitor = VisitToken(visitorId), let session = VisitToken(sessionId) else { return nil }
        let now = clock.now()
        let nowMs = now.millisecondsSince1970
        let index = try await catalog.index(for: accountId)
        let key = LiveVisitStore.Key(accountId: accountId, visitorId: visitor)
        try await rebuildIfAbsent(key, historyDays: index.historyDays, now: now)
        let liveWindowMs = settings.liveWindow.milliseconds
        return store.withVisitor(key) { state -> LiveVisit.Context? in
            guard let visit = state?.visit(session), visit.isOpenToBrand(now: nowMs, liveWindowMs: liveWindowMs),
                let context = visit.context(contextId), context.type == .clickToCall, let click = context.click,
                nowMs < click.expiresAt
            else { return nil }
            return context
        }
    }

    /// Journals what the abuse defences did for a visitor and applies it to the visitor in
    /// memory (a block hides Click to Call from its next page view); answers once durable.
    public func recordAbuse(
        accountId: AccountID, visitorId: VisitToken, sessionId: VisitToken, _ records: [AbuseRecord]
    )
        async throws
    {
        guard !records.isEmpty else { return }
        let now = clock.now()
        let index = try await catalog.index(for: accountId)
        let key = LiveVisitStore.Key(accountId: accountId, visitorId: visitorId)
        try await rebuildIfAbsent(key, historyDays: index.historyDays, now: now)
        let receipt = store.withVisitor(key) { state -> JournalReceipt in
            var change = VisitChange(
                accountId: accountId, visitorId: visitorId, sessionId: sessionId, at: now, visitor: state.take() ?? VisitorState())
            for record in records { change.add(.abuse(record)) }
            state = change.visitor
            return journal.enqueue(change.entries.map(\.journalEvent))
        }
        try await receipt.durable()
    }
}
