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
        try await changeAsBrand(accountId: accountId, visitorId: visitorId, sessionId: sessionId) { visit in
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
    }

    /// The brand closes the visit (SPEC §7): the brand APIs answer for 6 hours from now (or from
    /// the first call status, when there was one), then 404 with internalCode 12.
    public func closeAsBrand(accountId: AccountID, visitorId: String, sessionId: String) async throws {
        try await changeAsBrand(accountId: accountId, visitorId: visitorId, sessionId: sessionId) { _ in [.close(CloseRecord())] }
    }

    /// The live visit the brand may change: a malformed visitor or visit id is LivePerson's
    /// invalid visitor (37) or session (39); a visit that is unknown, or whose window has
    /// passed, is not found (12).
    func changeAsBrand(
        accountId: AccountID, visitorId: String, sessionId: String, _ events: (LiveVisit) throws -> [VisitEvent]
    ) async throws {
        guard let visitor = VisitToken(visitorId) else { throw BeckonError.unknownVisitor("'\(visitorId)' is not a visitor id") }
        guard let session = VisitToken(sessionId) else { throw BeckonError.unknownVisit("'\(sessionId)' is not a session id") }
        let now = clock.now()
        let nowMs = now.millisecondsSince1970
        let index = try await catalog.index(for: accountId)
        let key = LiveVisitStore.Key(accountId: accountId, visitorId: visitor)
        try await rebuildIfAbsent(key, historyDays: index.historyDays, now: now)
        let liveWindowMs = settings.liveWindow.milliseconds
        let receipt = try store.withVisitor(key) { state -> JournalReceipt in
            guard let visit = state?.visit(session), visit.isOpenToBrand(now: nowMs, liveWindowMs: liveWindowMs) else {
                throw BeckonError.notFound("live visit (it is unknown, or its 6-hour window has passed)")
            }
            let made = try events(visit)
            var change = VisitChange(accountId: accountId, visitorId: visitor, sessionId: session, at: now, visitor: state.take()!)
            for event in made { change.add(event) }
            state = change.visitor
            return journal.enqueue(change.entries.map(\.journalEvent))
        }
        try await receipt.durable()
    }
}
