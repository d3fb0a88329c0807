package import Foundation

/// A report from the page (SPEC §4, the monitoring API's `report`): impressions — display, click,
/// close, timeout — and engagement attributes. A click on Click to Call, unless the click
/// velocity defences refuse it, answers the signed click-through to the brand's page (SPEC §5).
package struct VisitReports: Sendable {
    /// An impression event as the tag sends it. `contextId` may be nil for `impClose`,
    /// `impTimeout` and `impExpanded` (LivePerson's examples omit `eContext`): the event then
    /// applies to the engagement's latest context in the visit.
    package struct Impression: Sendable {
        package var type: ImpressionRecord.Kind
        package var campaignId: Int64
        package var engagementId: Int64
        package var revision: Int?
        package var contextId: String?

        package init(type: ImpressionRecord.Kind, campaignId: Int64, engagementId: Int64, revision: Int?, contextId: String?) {
            self.type = type
            self.campaignId = campaignId
            self.engagementId = engagementId
            self.revision = revision
            self.contextId = contextId
        }
    }

    package struct Report: Sendable {
        package var accountId: AccountID
        package var siteId: String
        package var visitorId: String
        package var sessionId: String
        package var pageId: String?
        package var attributes: [EngagementAttribute]
        package var impressions: [Impression]

        package init(
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

    package struct ClickThrough: Sendable, Equatable {
        package var url: String
        package var token: String
        package var expiresAt: Date
    }

    package struct Answer: Sendable {
        package var visitorId: VisitToken
        package var sessionId: VisitToken
        package var pageId: String?
        package var clickThrough: ClickThrough?
        /// Why a Click to Call click got no click-through (`rateLimited`, `visitorBlocked`).
        package var clickRefused: String?
        package var retryAfterSeconds: Int?
    }

    let ledger: VisitLedger
    let keyring: ClickKeyring
    let campaigns: any CampaignRepository
    let metrics: DomainMetrics

    package init(ledger: VisitLedger, keyring: ClickKeyring, campaigns: any CampaignRepository, metrics: DomainMetrics = DomainMetrics()) {
        self.ledger = ledger
        self.keyring = keyring
        self.campaigns = campaigns
        self.metrics = metrics
    }

    package func callAsFunction(_ request: Report) async throws -> Answer {
        guard let visitorId = VisitToken(request.visitorId) else {
            throw BeckonError.unknownVisitor("vid must be the visitor id the engagement call answered")
        }
        guard let sessionId = VisitToken(request.sessionId) else {
            throw BeckonError.unknownVisit("sid must be the session id the engagement call answered")
        }
        let moment = try await ledger.moment(request.accountId)
        let key = LiveVisitStore.Key(accountId: request.accountId, visitorId: visitorId)

        // A click on Click to Call needs the signer and the displayed revision's brand page;
        // both may need storage, so they are fetched before taking the visitor's lock.
        var clickSettings: [Int64: [Int: EngagementSettings.ClickToCall]] = [:]
        var signer: ClickKeyring.Signer?
        for impression in request.impressions where impression.type == .impAccept {
            if signer == nil { signer = try await keyring.signer(for: request.accountId) }
            guard let revision = impression.revision else { continue }
            if let current = moment.index.engagements.first(where: { $0.engagement.id == impression.engagementId })?.engagement,
                current.revision == revision
            {
                clickSettings[impression.engagementId, default: [:]][revision] = current.settings.clickToCall
            } else if let stored = try await campaigns.engagement(
                accountId: request.accountId, id: impression.engagementId, revision: revision)
            {
                clickSettings[impression.engagementId, default: [:]][revision] = stored.settings.clickToCall
            }
        }

        let timeoutMs = ledger.settings.visitTimeout.milliseconds
        let now = moment.now
        let nowMs = moment.nowMs
        // A refusal is checked against the journal first: on another node the click's context may
        // have been issued by the node that served the page view (SPEC §14).
        return try await ledger.mutateVisit(key, at: moment, confirmingRefusals: true) { state in
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
            var change = VisitChange(key, sessionId: sessionId, at: now, taking: &state)
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
                    ? ClickVelocity.refusal(change.visitor, limits: moment.index.settings.abuse.clicks, now: nowMs) : nil
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
            let answer = Answer(
                visitorId: visitorId, sessionId: sessionId, pageId: pageId, clickThrough: clickThrough,
                clickRefused: clickThrough == nil ? refused?.reason : nil,
                retryAfterSeconds: clickThrough == nil ? refused?.retryAfterMs.map { Int(($0 + 999) / 1000) } : nil)
            return (answer, change.commit(into: &state))
        }
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
}
