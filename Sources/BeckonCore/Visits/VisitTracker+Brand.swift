import Foundation

extension VisitTracker {
    /// The brand reports engagement attributes into a live visit (LivePerson's Engagement
    /// Attributes API, SPEC §5–§6): the ten SDE types and `convStatus`. A `convStatus` must name a
    /// context offered in the visit and one of the documented statuses; the first one fixes the
    /// visit's 6-hour window. Every attribute is journaled, a late status too (it just does not
    /// change the current status).
    public func recordBrandAttributes(
        accountId: AccountID, visitorId: String, sessionId: String, attributes: [EngagementAttribute]
    ) async throws {
        let (before, after, key) = try await changeAsBrand(accountId: accountId, visitorId: visitorId, sessionId: sessionId) {
            visit in
            for (position, attribute) in attributes.enumerated() where attribute.type == "convStatus" {
                let field = "[\(position)]"
                let status = attribute.fields["status"]?.string ?? ""
                guard CallStatus(rawValue: status) != nil else {
                    throw BeckonError.invalidInput(
                        field: "\(field).status",
                        reason: "'\(status)' is not one of \(CallStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let contextId = attribute.fields["contextId"]?.string ?? ""
                guard let context = visit.context(contextId), context.type == .clickToCall else {
                    throw BeckonError.invalidInput(
                        field: "\(field).contextId", reason: "'\(contextId)' is not a Click to Call context of this visit")
                }
            }
            return attributes.map { .attribute(AttributeRecord(pageId: nil, source: .brand, attribute: $0)) }
        }
        // Push each context whose current status changed (a late status changes nothing).
        for (offset, context) in after.contexts.enumerated()
        where context.callStatus != nil && (offset >= before.contexts.count || before.contexts[offset].callStatus != context.callStatus) {
            if let update = after.callStatusUpdate(contextId: String(offset + 1)) { callStatus.publish(update, to: key) }
        }
    }

    /// The brand closes the visit (SPEC §7): the brand APIs answer for 6 hours from now (or from
    /// the first call status, when there was one), then 404 with internalCode 12.
    public func closeAsBrand(accountId: AccountID, visitorId: String, sessionId: String) async throws {
        _ = try await changeAsBrand(accountId: accountId, visitorId: visitorId, sessionId: sessionId) { _ in [.close(CloseRecord())] }
    }

    /// The live visit the brand may change: a malformed visitor or visit id is LivePerson's
    /// invalid visitor (37) or session (39); a visit that is unknown, or whose window has
    /// passed, is not found (12).
    /// Answers the visit before and after the change, and its status-stream key.
    func changeAsBrand(
        accountId: AccountID, visitorId: String, sessionId: String, _ events: (LiveVisit) throws -> [VisitEvent]
    ) async throws -> (before: LiveVisit, after: LiveVisit, key: CallStatusHub.Key) {
        let (key, session, now) = try await brandAccess(accountId: accountId, visitorId: visitorId, sessionId: sessionId)
        let visitor = key.visitorId
        let nowMs = now.millisecondsSince1970
        let liveWindowMs = settings.liveWindow.milliseconds
        let (before, after, receipt) = try store.withVisitor(key) { state -> (LiveVisit, LiveVisit, JournalReceipt) in
            guard let visit = state?.visit(session), visit.isOpenToBrand(now: nowMs, liveWindowMs: liveWindowMs) else {
                throw BeckonError.notFound("live visit (it is unknown, or its 6-hour window has passed)")
            }
            let made = try events(visit)
            var change = VisitChange(accountId: accountId, visitorId: visitor, sessionId: session, at: now, visitor: state.take()!)
            for event in made { change.add(event) }
            state = change.visitor
            return (visit, change.visitor.visit(session)!, journal.enqueue(change.entries.map(\.journalEvent)))
        }
        try await receipt.durable()
        return (before, after, CallStatusHub.Key(accountId: accountId, visitorId: visitor, sessionId: session))
    }

    /// Parses the ids the brand sent (37 and 39 when malformed) and makes sure the visitor is
    /// in memory, rebuilt from the journal if needed.
    func brandAccess(
        accountId: AccountID, visitorId: String, sessionId: String
    ) async throws -> (key: LiveVisitStore.Key, session: VisitToken, now: Date) {
        guard let visitor = VisitToken(visitorId) else { throw BeckonError.unknownVisitor("'\(visitorId)' is not a visitor id") }
        guard let session = VisitToken(sessionId) else { throw BeckonError.unknownVisit("'\(sessionId)' is not a session id") }
        let now = clock.now()
        let index = try await catalog.index(for: accountId)
        let key = LiveVisitStore.Key(accountId: accountId, visitorId: visitor)
        try await rebuildIfAbsent(key, historyDays: index.historyDays, now: now)
        return (key, session, now)
    }
}

extension VisitTracker {
    /// The visit's call statuses for a page that holds the click's token (the visitor's page
    /// after the click, or the brand page): the current ones first, then every accepted one as
    /// it is reported. The token proves the click: its signature, account, visitor and visit
    /// must match; it may have expired (it still proves the click), the visit's window may not.
    public func callStatusStream(
        accountId: AccountID, visitorId: String, sessionId: String, token: String
    ) async throws -> (current: [CallStatusHub.Update], updates: AsyncStream<CallStatusHub.Update>) {
        let keys = try await keyring.publicKeys(for: accountId)
        guard let claims = try? ClickToken.verify(token, publicKeys: keys, accountId: accountId, now: clock.now(), checkExpiry: false).claims,
            claims.visitorId == visitorId, claims.sessionId == sessionId
        else { throw BeckonError.unauthorized("the token does not prove a click in this visit") }
        guard let visitor = VisitToken(visitorId), let session = VisitToken(sessionId) else {
            throw BeckonError.unauthorized("the token does not prove a click in this visit")
        }
        let key = CallStatusHub.Key(accountId: accountId, visitorId: visitor, sessionId: session)
        let updates = try callStatus.subscribe(key, click: claims.contextId)
        let visit = try await liveVisitForBrand(accountId: accountId, visitorId: visitorId, sessionId: sessionId)
        let current = visit.contexts.indices.compactMap { visit.callStatusUpdate(contextId: String($0 + 1)) }
        return (current, updates)
    }
}
