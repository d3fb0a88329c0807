public import Foundation

/// The monitoring API's work (SPEC §4), without HTTP: a page view updates the live visit and
/// answers the decision; a report records impressions and attributes and, for a click on a
/// Click to Call engagement, answers the signed click-through.
///
/// Every change is built as `VisitEvent`s, applied to the visitor in memory under its shard
/// lock, queued to the journal under the same lock (so the journal keeps a visitor's order), and
/// answered only once the journal says the events are durable. A visitor that is not in memory
/// (restart, eviction, another node) is rebuilt from the journal first.
public final class VisitTracker: Sendable {
    public struct Settings: Sendable {
        /// A visit ends after this long without activity (SPEC §2).
        public var visitTimeout: Duration
        /// A visit's live data stays this long after its last activity (SPEC §7).
        public var liveWindow: Duration
        /// The most journal events read to rebuild one visitor.
        public var rebuildEventLimit: Int

        /// Open call-status streams allowed per click token and per node.
        public var streamLimits: CallStatusHub.Limits

        public init(
            visitTimeout: Duration = .seconds(30 * 60), liveWindow: Duration = .seconds(6 * 3600), rebuildEventLimit: Int = 5000,
            streamLimits: CallStatusHub.Limits = .init()
        ) {
            self.visitTimeout = visitTimeout
            self.liveWindow = liveWindow
            self.rebuildEventLimit = rebuildEventLimit
            self.streamLimits = streamLimits
        }
    }

    public let store: LiveVisitStore
    public let catalog: CampaignCatalog
    let journal: GroupCommitJournal
    public let keyring: ClickKeyring
    private let campaigns: any CampaignRepository
    public let clock: any WallClock
    public let settings: Settings
    /// Call statuses for the visitor's open pages and the brand page (SSE).
    public let callStatus: CallStatusHub
    private let engine = DecisionEngine()
    /// Visitor blocks older than the journal a rebuild reads (a permanent block) come from here.
    let abuse: (any AbuseRepository)?
    /// Decisions by outcome, clicks, validations.
    let metrics: DomainMetrics

    public init(
        store: LiveVisitStore, catalog: CampaignCatalog, journal: GroupCommitJournal, keyring: ClickKeyring,
        campaigns: any CampaignRepository, clock: any WallClock, settings: Settings = .init(),
        abuse: (any AbuseRepository)? = nil, metrics: DomainMetrics = DomainMetrics()
    ) {
        self.abuse = abuse
        self.metrics = metrics
        self.callStatus = CallStatusHub(limits: settings.streamLimits)
        self.store = store
        self.catalog = catalog
        self.journal = journal
        self.keyring = keyring
        self.campaigns = campaigns
        self.clock = clock
        self.settings = settings
    }

    // MARK: Page views

    public struct PageView: Sendable {
        public var accountId: AccountID
        public var siteId: String
        public var visitorId: String?
        public var sessionId: String?
        public var pageId: String?
        public var url: String
        public var title: String?
        public var referrer: String?
        public var sections: [String]
        public var language: String?
        public var client: ClientInfo?
        public var attributes: [EngagementAttribute]
        /// Answer the decision trace (the site's debug key was given).
        public var trace: Bool
        /// Decide what to offer (false for a visit a `report` starts: nothing would show it).
        public var decide = true

        public init(
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

    public struct PageViewAnswer: Sendable {
        /// A new visitor or a new visit was started (the API answers 201).
        public var created: Bool
        public var visitorId: VisitToken
        public var sessionId: VisitToken
        public var pageId: String
        public var offers: [DecisionEngine.Offer]
        public var retryAfterMs: Int64?
        public var trace: [DecisionEngine.TraceEntry]?
        /// Every targeted engagement's outcome (for the metrics).
        var outcomes: [DecisionRecord.Outcome] = []
    }

    public func pageView(_ request: PageView) async throws -> PageViewAnswer {
        let index = try await catalog.index(for: request.accountId)
        let now = clock.now()
        let nowMs = now.millisecondsSince1970
        let presented = request.visitorId.flatMap { VisitToken($0) }
        let visitorId = presented ?? .random()
        let key = LiveVisitStore.Key(accountId: request.accountId, visitorId: visitorId)
        if presented != nil { try await rebuildIfAbsent(key, historyDays: index.historyDays, now: now) }
        let timeoutMs = settings.visitTimeout.milliseconds

        let (answer, receipt) = store.withVisitor(key) { state -> (PageViewAnswer, JournalReceipt) in
            // Moved out, not copied: the change then mutates the only reference (no copy-on-write).
            let visitor = state.take() ?? VisitorState()
            var created = presented == nil
            let sessionId: VisitToken
            if let given = request.sessionId.flatMap({ VisitToken($0) }),
                let visit = visitor.activeVisit(given, now: nowMs, timeoutMs: timeoutMs), visit.siteId == request.siteId
            {
                sessionId = given
            } else {
                sessionId = .random()
                created = true
            }
            let existing = created ? nil : visitor.visit(sessionId)
            var change = VisitChange(
                accountId: request.accountId, visitorId: visitorId, sessionId: sessionId, at: now, visitor: visitor)

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
                    index: index, visitor: change.visitor, visit: change.visitor.visit(sessionId)!, visitorId: visitorId,
                    now: now, trace: request.trace)
                : DecisionEngine.Decision()
            if !decision.outcomes.isEmpty { change.add(.decision(DecisionRecord(pageId: pageId, outcomes: decision.outcomes))) }
            state = change.visitor
            let receipt = journal.enqueue(change.entries.map(\.journalEvent))
            return (
                PageViewAnswer(
                    created: created, visitorId: visitorId, sessionId: sessionId, pageId: pageId, offers: decision.offers,
                    retryAfterMs: decision.retryAfterMs, trace: request.trace ? decision.trace : nil, outcomes: decision.outcomes),
                receipt
            )
        }
        try await receipt.durable()
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

    // MARK: Reports

    /// An impression event as the tag sends it. `contextId` may be nil for `impClose`,
    /// `impTimeout` and `impExpanded` (LivePerson's examples omit `eContext`): the event then
    /// applies to the engagement's latest context in the visit.
    public struct Impression: Sendable {
        public var type: ImpressionRecord.Kind
        public var campaignId: Int64
        public var engagementId: Int64
        public var revision: Int?
        public var contextId: String?

        public init(type: ImpressionRecord.Kind, campaignId: Int64, engagementId: Int64, revision: Int?, contextId: String?) {
            self.type = type
            self.campaignId = campaignId
            self.engagementId = engagementId
            self.revision = revision
            self.contextId = contextId
        }
    }

    public struct Report: Sendable {
        public var accountId: AccountID
        public var siteId: String
        public var visitorId: String
        public var sessionId: String
        public var pageId: String?
        public var attributes: [EngagementAttribute]
        public var impressions: [Impression]

        public init(
            accountId: AccountID, siteId: String, visitorId: String, sessionId: String, pageId: String? = nil,
            attributes: [EngagementAttribute] = [], impressions: [Impression] = []
        ) {
            self.accountId = accountId
            self.siteId = siteId
            self.visitorId = visitorId
            self.sessionId = sessionId
            self.pageId = pageId
            self.attributes = attributes
            self.impressions = impressions
        }
    }

    public struct ClickThrough: Sendable, Equatable {
        public var url: String
        public var token: String
        public var expiresAt: Date
    }

    public struct ReportAnswer: Sendable {
        public var visitorId: VisitToken
        public var sessionId: VisitToken
        public var pageId: String?
        public var clickThrough: ClickThrough?
        /// Why a Click to Call click got no click-through (`rateLimited`, `visitorBlocked`).
        public var clickRefused: String?
        public var retryAfterSeconds: Int?
    }

    public func report(_ request: Report) async throws -> ReportAnswer {
        guard let visitorId = VisitToken(request.visitorId) else {
            throw BeckonError.unknownVisitor("vid must be the visitor id the engagement call answered")
        }
        guard let sessionId = VisitToken(request.sessionId) else {
            throw BeckonError.unknownVisit("sid must be the session id the engagement call answered")
        }
        let now = clock.now()
        let nowMs = now.millisecondsSince1970
        let key = LiveVisitStore.Key(accountId: request.accountId, visitorId: visitorId)
        let index = try await catalog.index(for: request.accountId)
        try await rebuildIfAbsent(key, historyDays: index.historyDays, now: now)

        // A click on Click to Call needs the signer and the displayed revision's brand page;
        // both may need storage, so they are fetched before taking the visitor's lock.
        var clickSettings: [Int64: [Int: EngagementSettings.ClickToCall]] = [:]
        var signer: ClickKeyring.Signer?
        for impression in request.impressions where impression.type == .impAccept {
            if signer == nil { signer = try await keyring.signer(for: request.accountId) }
            guard let revision = impression.revision else { continue }
            if let current = index.engagements.first(where: { $0.engagement.id == impression.engagementId })?.engagement,
                current.revision == revision
            {
                clickSettings[impression.engagementId, default: [:]][revision] = current.settings.clickToCall
            } else if let stored = try await campaigns.engagement(
                accountId: request.accountId, id: impression.engagementId, revision: revision)
            {
                clickSettings[impression.engagementId, default: [:]][revision] = stored.settings.clickToCall
            }
        }

        let timeoutMs = settings.visitTimeout.milliseconds
        let (answer, receipt) = try store.withVisitor(key) { state -> (ReportAnswer, JournalReceipt) in
            guard let visitor = state else {
                throw BeckonError.unknownVisitor("no live visitor with this vid")
            }
            guard let visit = visitor.activeVisit(sessionId, now: nowMs, timeoutMs: timeoutMs), visit.siteId == request.siteId
            else { throw BeckonError.unknownVisit("no live visit with this sid (a visit ends after 30 minutes without activity)") }
            // Check everything before changing anything: a bad event refuses the whole report.
            var impressions: [(impression: Impression, contextId: String)] = []
            for (position, impression) in request.impressions.enumerated() {
                let latest = visit.contexts.lastIndex {
                    $0.campaignId == impression.campaignId && $0.engagementId == impression.engagementId
                }
                guard let contextId = impression.contextId ?? latest.map({ String($0 + 1) }) else {
                    throw BeckonError.invalidInput(
                        field: "engagementAttributes[\(position)]",
                        reason: "engagement \(impression.engagementId) was not offered in this visit")
                }
                guard let context = visit.context(contextId), context.campaignId == impression.campaignId,
                    context.engagementId == impression.engagementId,
                    impression.revision == nil || impression.revision == context.revision
                else {
                    throw BeckonError.invalidInput(
                        field: "engagementAttributes[\(position)].eContext",
                        reason: "context '\(contextId)' was not issued in this visit for engagement \(impression.engagementId)")
                }
                impressions.append((impression, contextId))
            }
            let pageId = request.pageId.flatMap { visit.page($0)?.id } ?? visit.currentPage?.id
            var change = VisitChange(
                accountId: request.accountId, visitorId: visitorId, sessionId: sessionId, at: now, visitor: state.take()!)
            for attribute in request.attributes {
                change.add(.attribute(AttributeRecord(pageId: pageId, source: .page, attribute: attribute)))
            }
            var clickThrough: ClickThrough?
            var refused: (reason: String, retryAfterMs: Int64?)?
            for (impression, contextId) in impressions {
                let context = visit.context(contextId)!
                // Judged before this click is counted: the 8th click in 15 minutes is the one refused.
                let refusal =
                    impression.type == .impAccept && context.type == .clickToCall
                    ? ClickVelocity.refusal(change.visitor, limits: index.settings.abuse.clicks, now: nowMs) : nil
                change.add(
                    .impression(
                        ImpressionRecord(
                            type: impression.type, pageId: pageId, campaignId: context.campaignId,
                            engagementId: context.engagementId, revision: context.revision, contextId: contextId)))
                if let refusal {
                    refused = refusal
                    change.add(
                        .abuse(
                            AbuseRecord(
                                action: .clickRefused, reason: refusal.reason, contextId: contextId,
                                campaignId: context.campaignId)))
                    continue
                }
                guard impression.type == .impAccept, context.type == .clickToCall, let signer,
                    let brand = clickSettings[context.engagementId]?[context.revision] ?? nil
                else { continue }
                let expiresAt = now.addingTimeInterval(TimeInterval(brand.validitySeconds))
                change.add(
                    .click(
                        ClickRecord(
                            contextId: contextId, campaignId: context.campaignId,
                            engagementId: context.engagementId, revision: context.revision,
                            expiresAt: expiresAt.millisecondsSince1970, maxValidations: brand.maxValidations,
                            keyId: signer.keyId)))
                clickThrough = Self.clickThrough(
                    brandPage: brand.brandPageUrl, accountId: request.accountId, visitorId: visitorId, sessionId: sessionId,
                    context: context, contextId: contextId, signer: signer, now: now, expiresAt: expiresAt)
                metrics.clicked()
            }
            state = change.visitor
            let receipt = journal.enqueue(change.entries.map(\.journalEvent))
            let answer = ReportAnswer(
                visitorId: visitorId, sessionId: sessionId, pageId: pageId, clickThrough: clickThrough,
                clickRefused: clickThrough == nil ? refused?.reason : nil,
                retryAfterSeconds: clickThrough == nil ? refused?.retryAfterMs.map { Int(($0 + 999) / 1000) } : nil)
            return (answer, receipt)
        }
        try await receipt.durable()
        return answer
    }

    /// The brand page URL with SPEC §5's identifiers (LivePerson's names) and the signed token.
    static func clickThrough(
        brandPage: String, accountId: AccountID, visitorId: VisitToken, sessionId: VisitToken, context: LiveVisit.Context,
        contextId: String, signer: ClickKeyring.Signer, now: Date, expiresAt: Date
    ) -> ClickThrough {
        let claims = ClickToken.Claims(
            accountId: accountId.rawValue, visitorId: visitorId.description, sessionId: sessionId.description,
            campaignId: context.campaignId, engagementId: context.engagementId, engagementRevision: context.revision,
            contextId: contextId, iat: Int64(now.timeIntervalSince1970), exp: Int64(expiresAt.timeIntervalSince1970))
        let token = ClickToken.sign(claims, keyId: signer.keyId, with: signer.privateKey)
        var components = URLComponents(string: brandPage) ?? URLComponents()
        var items = components.queryItems ?? []
        items += [
            URLQueryItem(name: "accountId", value: claims.accountId),
            URLQueryItem(name: "visitorId", value: claims.visitorId),
            URLQueryItem(name: "sessionId", value: claims.sessionId),
            URLQueryItem(name: "campaignId", value: String(claims.campaignId)),
            URLQueryItem(name: "engagementId", value: String(claims.engagementId)),
            URLQueryItem(name: "engagementRevision", value: String(claims.engagementRevision)),
            URLQueryItem(name: "contextId", value: claims.contextId),
            URLQueryItem(name: "token", value: token),
        ]
        components.queryItems = items
        return ClickThrough(url: components.string ?? brandPage, token: token, expiresAt: expiresAt)
    }

    // MARK: Rebuilding

    /// Replays the visitor's recent journal into memory unless it is already held.
    func rebuildIfAbsent(_ key: LiveVisitStore.Key, historyDays: Int, now: Date) async throws {
        guard !store.contains(key) else { return }
        let window = max(settings.liveWindow.milliseconds, Int64(historyDays) * 86_400_000)
        let stored = try await journal.events(
            accountId: key.accountId, visitorId: key.visitorId.description,
            since: Date(millisecondsSince1970: now.millisecondsSince1970 - window), limit: settings.rebuildEventLimit)
        let block = try await abuse?.visitorBlock(accountId: key.accountId, visitorId: key.visitorId.description, at: now)
        guard !stored.isEmpty || block != nil else { return }
        var state = VisitorState()
        for event in stored {
            if let entry = VisitJournalEntry(event.event) { state.apply(entry) }
        }
        if let block {
            state.block = VisitorState.Block(id: block.id, until: block.until?.millisecondsSince1970)
        }
        _ = state.expire(now: now.millisecondsSince1970, liveWindowMs: settings.liveWindow.milliseconds)
        store.insertIfAbsent(key, state)
    }
}

/// The events one request makes for one visit: each is applied to the visitor as it is made
/// (so later steps, like the decision, see it) and kept for the journal.
struct VisitChange {
    let accountId: AccountID
    let visitorId: VisitToken
    let sessionId: VisitToken
    let at: Date
    var visitor: VisitorState
    var entries: [VisitJournalEntry] = []

    mutating func add(_ event: VisitEvent) {
        let entry = VisitJournalEntry(accountId: accountId, visitorId: visitorId, sessionId: sessionId, occurredAt: at, event: event)
        visitor.apply(entry)
        entries.append(entry)
    }
}
