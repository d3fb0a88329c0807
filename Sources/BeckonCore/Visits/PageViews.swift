package import Foundation

/// A page view (SPEC §4, the monitoring API's `engagement`): the visit is continued or started,
/// the page recorded with its attributes, and the decision answered — what to offer now, or
/// when to ask again.
package struct PageViews: Sendable {
    package struct PageView: Sendable {
        package var accountId: AccountID
        package var siteId: String
        package var visitorId: String?
        package var sessionId: String?
        package var pageId: String?
        package var url: String
        package var title: String?
        package var referrer: String?
        package var sections: [String]
        package var language: String?
        package var client: ClientInfo?
        package var attributes: [EngagementAttribute]
        /// Answer the decision trace (the site's debug key was given).
        package var trace: Bool
        /// Decide what to offer (false for a visit a `report` starts: nothing would show it).
        package var decide = true

        package init(
            accountId: AccountID, siteId: String, visitorId: String? = nil, sessionId: String? = nil, pageId: String? = nil,
            url: String, title: String? = nil, referrer: String? = nil, sections: [String] = [], language: String? = nil,
            client: ClientInfo? = nil, attributes: [EngagementAttribute] = [], trace: Bool = false
        ) {
            self.accountId = accountId
            self.siteId = siteId
            self.visitorId = visitorId
            self.sessionId = sessionId
            self.pageId = pageId
            self.url = url
            self.title = title
            self.referrer = referrer
            self.sections = sections
            self.language = language
            self.client = client
            self.attributes = attributes
            self.trace = trace
        }
    }

    package struct Answer: Sendable {
        /// A new visitor or a new visit was started (the API answers 201).
        package var created: Bool
        package var visitorId: VisitToken
        package var sessionId: VisitToken
        package var pageId: String
        package var offers: [DecisionEngine.Offer]
        package var retryAfterMs: Int64?
        package var trace: [DecisionEngine.TraceEntry]?
        /// Every targeted engagement's outcome (for the metrics).
        var outcomes: [DecisionRecord.Outcome] = []
    }

    let ledger: VisitLedger
    let metrics: DomainMetrics
    private let engine = DecisionEngine()

    package init(ledger: VisitLedger, metrics: DomainMetrics = DomainMetrics()) {
        self.ledger = ledger
        self.metrics = metrics
    }

    package func callAsFunction(_ request: PageView) async throws -> Answer {
        let moment = try await ledger.moment(request.accountId)
        let presented = request.visitorId.flatMap { VisitToken($0) }
        let key = LiveVisitStore.Key(accountId: request.accountId, visitorId: presented ?? .random())
        let timeoutMs = ledger.settings.visitTimeout.milliseconds
        // A new visitor has nothing to rebuild.
        let answer = try await ledger.mutateVisit(key, at: moment, rebuild: presented != nil) { state in
            var created = presented == nil
            let sessionId: VisitToken
            if let given = request.sessionId.flatMap({ VisitToken($0) }),
                let visit = state?.activeVisit(given, now: moment.nowMs, timeoutMs: timeoutMs), visit.siteId == request.siteId
            {
                sessionId = given
            } else {
                sessionId = .random()
                created = true
            }
            let existing = created ? nil : state?.visit(sessionId)
            var change = VisitChange(key, sessionId: sessionId, at: moment.now, taking: &state)

            let pageId: String
            if let given = request.pageId, let page = existing?.page(given) {
                // The same page asking again (time on page, or new sections).
                pageId = given
                if page.sections != request.sections { change.add(.pageView(pageRecord(request, pageId: pageId, newVisit: false))) }
            } else {
                pageId = Self.newPageId(requested: request.pageId, in: existing)
                change.add(
                    .pageView(
                        pageRecord(request, pageId: pageId, newVisit: existing == nil, returning: presented != nil)))
            }
            for attribute in request.attributes {
                change.add(.attribute(AttributeRecord(pageId: pageId, source: .page, attribute: attribute)))
            }
            let decision =
                request.decide
                ? engine.decide(
                    index: moment.index, visitor: change.visitor, visit: change.visitor.visit(sessionId)!,
                    visitorId: key.visitorId, now: moment.now, trace: request.trace)
                : DecisionEngine.Decision()
            if !decision.outcomes.isEmpty { change.add(.decision(DecisionRecord(pageId: pageId, outcomes: decision.outcomes))) }
            let answer = Answer(
                created: created, visitorId: key.visitorId, sessionId: sessionId, pageId: pageId, offers: decision.offers,
                retryAfterMs: decision.retryAfterMs, trace: request.trace ? decision.trace : nil, outcomes: decision.outcomes)
            return (answer, change.commit(into: &state))
        }
        metrics.decided(answer.outcomes)
        return answer
    }

    private func pageRecord(_ request: PageView, pageId: String, newVisit: Bool, returning: Bool = false) -> PageViewRecord {
        PageViewRecord(
            siteId: request.siteId, pageId: pageId, url: request.url, title: request.title, referrer: request.referrer,
            sections: request.sections, language: request.language, newVisit: newVisit, returning: returning,
            client: newVisit ? request.client : nil)
    }

    /// The client's page id when it is new in the visit, otherwise the next free counter value.
    static func newPageId(requested: String?, in visit: LiveVisit?) -> String {
        if let requested, visit?.page(requested) == nil { return requested }
        var counter = (visit?.pageCount ?? 0) + 1
        while visit?.page(String(counter)) != nil { counter += 1 }
        return String(counter)
    }
}
