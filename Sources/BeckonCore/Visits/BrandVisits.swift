package import Foundation

/// What the brand does with a live visit (SPEC §5–§7): reports engagement attributes and call
/// statuses into it, closes it, reads it (Visit Information), follows its call statuses, and —
/// for the abuse defences — finds the click it wants to dial for and journals what they did.
///
/// The brand may reach a visit for 6 hours after the visitor's last activity, or after the first
/// call status when there was one. A malformed visitor or visit id is LivePerson's invalid
/// visitor (37) or session (39); a visit that is unknown, or whose window has passed, is not
/// found (12).
package struct BrandVisits: Sendable {
    let ledger: VisitLedger
    let keyring: ClickKeyring
    /// Call statuses for the visitor's open pages and the brand page (SSE).
    let callStatus: CallStatusHub

    package init(ledger: VisitLedger, keyring: ClickKeyring, callStatus: CallStatusHub) {
        self.ledger = ledger
        self.keyring = keyring
        self.callStatus = callStatus
    }

    /// The brand reports engagement attributes into a live visit (LivePerson's Engagement
    /// Attributes API, SPEC §5–§6): the ten SDE types and `convStatus`. A `convStatus` must name a
    /// context offered in the visit and one of the documented statuses; the first one fixes the
    /// visit's 6-hour window. Every attribute is journaled, a late status too (it just does not
    /// change the current status).
    package func recordAttributes(
        accountId: AccountID, visitorId: String, sessionId: String, attributes: [EngagementAttribute]
    ) async throws {
        let (before, after, key) = try await change(accountId: accountId, visitorId: visitorId, sessionId: sessionId) { visit in
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
    package func close(accountId: AccountID, visitorId: String, sessionId: String) async throws {
        _ = try await change(accountId: accountId, visitorId: visitorId, sessionId: sessionId) { _ in [.close(CloseRecord())] }
    }

    /// A copy of the live visit for the Visit Information API.
    package func liveVisit(accountId: AccountID, visitorId: String, sessionId: String) async throws -> LiveVisit {
        let (key, session) = try Self.ids(accountId: accountId, visitorId: visitorId, sessionId: sessionId)
        let moment = try await ledger.moment(accountId)
        let liveWindowMs = ledger.settings.liveWindow.milliseconds
        return try await ledger.readVisit(key, at: moment) { state in
            guard let visit = state?.visit(session), visit.isOpenToBrand(now: moment.nowMs, liveWindowMs: liveWindowMs)
            else { throw BeckonError.notFound("live visit (it is unknown, or its 6-hour window has passed)") }
            return visit
        }
    }

    /// The visit's call statuses for a page that holds the click's token (the visitor's page
    /// after the click, or the brand page): the current ones first, then every accepted one as
    /// it is reported. The token proves the click: its signature, account, visitor and visit
    /// must match; it may have expired (it still proves the click), the visit's window may not.
    package func callStatusStream(
        accountId: AccountID, visitorId: String, sessionId: String, token: String
    ) async throws -> (current: [CallStatusHub.Update], updates: AsyncStream<CallStatusHub.Update>) {
        let keys = try await keyring.publicKeys(for: accountId)
        guard
            let claims = try? ClickToken.verify(token, publicKeys: keys, accountId: accountId, now: ledger.clock.now(), checkExpiry: false)
                .claims,
            claims.visitorId == visitorId, claims.sessionId == sessionId
        else { throw BeckonError.unauthorized("the token does not prove a click in this visit") }
        guard let visitor = VisitToken(visitorId), let session = VisitToken(sessionId) else {
            throw BeckonError.unauthorized("the token does not prove a click in this visit")
        }
        let key = CallStatusHub.Key(accountId: accountId, visitorId: visitor, sessionId: session)
        let updates = try callStatus.subscribe(key, click: claims.contextId)
        let visit = try await liveVisit(accountId: accountId, visitorId: visitorId, sessionId: sessionId)
        let current = visit.contexts.indices.compactMap { visit.callStatusUpdate(contextId: String($0 + 1)) }
        return (current, updates)
    }

    /// The clicked Click to Call context a brand wants to dial for, when the click is still
    /// valid: its visit open to the brand, clicked, not expired. Validations are not used up.
    package func clickedContext(
        accountId: AccountID, visitorId: String, sessionId: String, contextId: String
    ) async throws -> LiveVisit.Context? {
        guard let visitor = VisitToken(visitorId), let session = VisitToken(sessionId) else { return nil }
        let moment = try await ledger.moment(accountId)
        let liveWindowMs = ledger.settings.liveWindow.milliseconds
        let nowMs = moment.nowMs
        return try await ledger.readVisit(LiveVisitStore.Key(accountId: accountId, visitorId: visitor), at: moment) { state in
            guard let visit = state?.visit(session), visit.isOpenToBrand(now: nowMs, liveWindowMs: liveWindowMs),
                let context = visit.context(contextId), context.type == .clickToCall, let click = context.click,
                nowMs < click.expiresAt
            else { return nil }
            return context
        }
    }

    /// Journals what the abuse defences did for a visitor and applies it to the visitor in
    /// memory (a block hides Click to Call from its next page view); answers once durable.
    package func recordAbuse(accountId: AccountID, visitorId: VisitToken, sessionId: VisitToken, _ records: [AbuseRecord]) async throws {
        guard !records.isEmpty else { return }
        let moment = try await ledger.moment(accountId)
        let key = LiveVisitStore.Key(accountId: accountId, visitorId: visitorId)
        try await ledger.mutateVisit(key, at: moment) { state in
            var change = VisitChange(key, sessionId: sessionId, at: moment.now, taking: &state)
            for record in records { change.add(.abuse(record)) }
            return ((), change.commit(into: &state))
        }
    }

    /// The visit's events made by `events` from the live visit, journaled; answers the visit
    /// before and after, and its status-stream key.
    private func change(
        accountId: AccountID, visitorId: String, sessionId: String, _ events: (LiveVisit) throws -> [VisitEvent]
    ) async throws -> (before: LiveVisit, after: LiveVisit, key: CallStatusHub.Key) {
        let (key, session) = try Self.ids(accountId: accountId, visitorId: visitorId, sessionId: sessionId)
        let moment = try await ledger.moment(accountId)
        let liveWindowMs = ledger.settings.liveWindow.milliseconds
        let (before, after) = try await ledger.mutateVisit(key, at: moment, confirmingRefusals: true) { state in
            guard let visit = state?.visit(session), visit.isOpenToBrand(now: moment.nowMs, liveWindowMs: liveWindowMs) else {
                throw BeckonError.notFound("live visit (it is unknown, or its 6-hour window has passed)")
            }
            let made = try events(visit)
            var change = VisitChange(key, sessionId: session, at: moment.now, taking: &state)
            for event in made { change.add(event) }
            return ((visit, change.visitor.visit(session)!), change.commit(into: &state))
        }
        return (before, after, CallStatusHub.Key(accountId: accountId, visitorId: key.visitorId, sessionId: session))
    }

    /// The ids the brand sent, parsed: 37 and 39 when malformed.
    private static func ids(accountId: AccountID, visitorId: String, sessionId: String) throws -> (LiveVisitStore.Key, VisitToken) {
        guard let visitor = VisitToken(visitorId) else { throw BeckonError.unknownVisitor("'\(visitorId)' is not a visitor id") }
        guard let session = VisitToken(sessionId) else { throw BeckonError.unknownVisit("'\(sessionId)' is not a session id") }
        return (LiveVisitStore.Key(accountId: accountId, visitorId: visitor), session)
    }
}
