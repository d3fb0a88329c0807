package import Foundation

/// What to show on one page view (SPEC §8). Pure: it reads the compiled campaigns, the visitor
/// and the time, and answers the offers and every targeted engagement's outcome; the caller
/// records them.
///
/// For each engagement whose entry point and campaign audience match the page ("targeted"):
/// behaviour (pending when only time on page is missing), control group, time frame, then —
/// for proactive engagements — the after-decline rule and the caps; finally one engagement per
/// placement, the higher campaign priority first, then the older campaign. Buttons
/// (non-proactive engagements) skip the caps and the decline rule, and are offered on every page
/// view where they match. A proactive engagement is offered at most once per visit.
package struct DecisionEngine: Sendable {
    package struct Offer: Sendable, Equatable {
        package var contextId: String
        package var campaignId: Int64
        package var engagement: Engagement
        /// The engagement's language, or the account's.
        package var language: String
    }

    package struct TraceEntry: Sendable, Equatable, Codable {
        package var campaignId: Int64
        package var engagementId: Int64
        /// A `DecisionOutcome`, or `notTargeted` for engagements the page did not qualify for.
        package var outcome: String
        package var reason: String
    }

    package struct Decision: Sendable, Equatable {
        package var offers: [Offer] = []
        package var outcomes: [DecisionRecord.Outcome] = []
        /// When a time-on-page rule will hold; the tag asks again then.
        package var retryAfterMs: Int64?
        /// Every engagement looked at, with the reason (only filled when asked for).
        package var trace: [TraceEntry] = []
    }

    package init() {}

    package func decide(
        index: CampaignIndex, visitor: VisitorState, visit: LiveVisit, visitorId: VisitToken, now: Date,
        trace wantsTrace: Bool = false
    ) -> Decision {
        let nowMs = now.millisecondsSince1970
        let facts = visit.facts(visitor: visitor, now: nowMs)
        var decision = Decision()
        func note(_ engagement: Engagement, _ outcome: String, _ reason: String) {
            guard wantsTrace else { return }
            decision.trace.append(
                TraceEntry(campaignId: engagement.campaignId, engagementId: engagement.id, outcome: outcome, reason: reason))
        }
        func record(
            _ engagement: Engagement, _ outcome: DecisionOutcome, _ reason: String, contextId: String? = nil,
            shownIn campaign: Campaign? = nil
        ) {
            decision.outcomes.append(
                DecisionRecord.Outcome(
                    campaignId: engagement.campaignId, engagementId: engagement.id, revision: engagement.revision,
                    outcome: outcome, type: engagement.settings.type, proactive: engagement.settings.proactive,
                    placement: engagement.settings.placement, contextId: contextId, campaignRevision: campaign?.revision,
                    goal: campaign?.settings.goal?.type))
            note(engagement, outcome.rawValue, reason)
        }

        // Targeting and the per-engagement gates.
        var audienceChecked: [Int: Bool] = [:]
        // Looked up once, for the first Click to Call engagement that gets this far.
        var clickRefusal: (reason: String, retryAfterMs: Int64?)??
        var eligible: [CampaignIndex.CompiledEngagement] = []
        // The trace explains every live engagement, so debugging looks past the index.
        let positions =
            wantsTrace
            ? Array(index.engagements.indices) : index.candidates(url: facts.url, sections: facts.sections)
        for position in positions {
            let candidate = index.engagements[position]
            let engagement = candidate.engagement
            let campaign = index.campaigns[candidate.campaignPosition]
            guard candidate.entryPoint.matches(facts) else {
                note(engagement, "notTargeted", "the page is not an entry point")
                continue
            }
            let inAudience =
                audienceChecked[candidate.campaignPosition]
                ?? {
                    let matches = campaign.audience?.matches(facts) ?? true
                    audienceChecked[candidate.campaignPosition] = matches
                    return matches
                }()
            guard inAudience else {
                note(engagement, "notTargeted", "the visitor is not in the campaign's audience")
                continue
            }
            switch engagement.settings.behaviour.evaluate(facts) {
            case .fails:
                note(engagement, "notTargeted", "the visitor's behaviour does not match")
                continue
            case .pending(let seconds):
                let wait = Int64((seconds * 1000).rounded(.up))
                decision.retryAfterMs = min(decision.retryAfterMs ?? wait, wait)
                record(engagement, .behaviourPending, "time on page reached in \(wait) ms")
                continue
            case .matches: break
            }
            let share = campaign.campaign.settings.controlGroupPercent
            if share > 0, ControlGroup.contains(visitorId, campaignId: campaign.campaign.id, percent: share) {
                record(engagement, .controlGroup, "the visitor is in the campaign's \(share)% control group")
                continue
            }
            if let calendar = campaign.calendar, !calendar.isOn(at: now) {
                record(engagement, .outsideHours, "outside the campaign's time frame and shift hours")
                continue
            }
            if engagement.settings.type == .clickToCall,
                let refusal = clickRefusal
                    ?? {
                        let refusal = ClickVelocity.refusal(visitor, limits: index.settings.abuse.clicks, now: nowMs)
                        clickRefusal = .some(refusal)
                        return refusal
                    }()
            {
                record(
                    engagement, .abuseBlocked,
                    refusal.reason == "visitorBlocked"
                        ? "the visitor is blocked from Click to Call" : "the visitor reached a Click to Call click limit")
                continue
            }
            eligible.append(candidate)
        }

        // Priority per placement, then the proactive rules in that order.
        eligible.sort { left, right in
            let a = index.campaigns[left.campaignPosition].campaign
            let b = index.campaigns[right.campaignPosition].campaign
            if a.settings.priority != b.settings.priority { return a.settings.priority > b.settings.priority }
            if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
            if a.id != b.id { return a.id < b.id }
            return left.engagement.id < right.engagement.id
        }
        let caps = index.settings.caps
        var placementsTaken = Set<String>()
        var offeredChat = visit.proactiveOffers(chat: true)
        var offeredContent = visit.proactiveOffers(chat: false)
        var offeredByCampaign: [Int64: Int] = [:]
        for context in visit.contexts where context.proactive { offeredByCampaign[context.campaignId, default: 0] += 1 }
        let offeredByVisitor = caps.perVisitor.map { visitor.proactiveOffers(sinceMs: nowMs - Int64($0.days) * 86_400_000) }
        var offeredNow = 0
        var nextContext = visit.contexts.count + 1
        for candidate in eligible {
            let engagement = candidate.engagement
            let settings = engagement.settings
            let campaign = index.campaigns[candidate.campaignPosition].campaign
            if settings.proactive {
                let chat = settings.type.isChat
                switch caps.afterDecline {
                case .suppressSameKind where visit.declined(chat: chat):
                    record(engagement, .declinedBefore, "the visitor declined a \(chat ? "chat" : "content") engagement in this visit")
                    continue
                case .suppressAll where visit.declined(chat: nil):
                    record(engagement, .declinedBefore, "the visitor declined an engagement in this visit")
                    continue
                default: break
                }
                if visit.contexts.contains(where: { $0.engagementId == engagement.id && $0.proactive }) {
                    record(engagement, .capped, "already offered in this visit")
                    continue
                }
                switch caps.mode {
                case .shared:
                    if let limit = caps.perVisit, offeredChat + offeredContent >= limit {
                        record(engagement, .capped, "the visit reached the cap of \(limit) proactive offers (chat and content shared)")
                        continue
                    }
                case .separate:
                    let limit = chat ? caps.perVisitChat : caps.perVisitContent
                    if let limit, (chat ? offeredChat : offeredContent) >= limit {
                        record(engagement, .capped, "the visit reached the cap of \(limit) proactive \(chat ? "chat" : "content") offers")
                        continue
                    }
                }
                if let perVisitor = caps.perVisitor, let offered = offeredByVisitor, offered + offeredNow >= perVisitor.max {
                    record(engagement, .capped, "the visitor reached \(perVisitor.max) proactive offers in \(perVisitor.days) days")
                    continue
                }
                if let limit = campaign.settings.capPerVisit, offeredByCampaign[campaign.id, default: 0] >= limit {
                    record(engagement, .capped, "the campaign reached its cap of \(limit) offers in this visit")
                    continue
                }
            }
            let placement = settings.placement == .embedded ? "embedded:\(settings.target ?? "")" : settings.placement.rawValue
            guard placementsTaken.insert(placement).inserted else {
                record(engagement, .lostPriority, "another engagement of higher priority took the \(settings.placement.rawValue) placement")
                continue
            }
            let contextId = String(nextContext)
            nextContext += 1
            if settings.proactive {
                if settings.type.isChat { offeredChat += 1 } else { offeredContent += 1 }
                offeredByCampaign[campaign.id, default: 0] += 1
                offeredNow += 1
            }
            record(engagement, .shown, "offered as context \(contextId)", contextId: contextId, shownIn: campaign)
            decision.offers.append(
                Offer(
                    contextId: contextId, campaignId: campaign.id, engagement: engagement,
                    language: settings.language ?? index.settings.language))
        }
        return decision
    }
}

/// Stable control-group membership (SPEC §8): the same visitor is in or out of a campaign's
/// control group on every page view, every visit and every node, with no state kept.
package enum ControlGroup {
    package static func contains(_ visitorId: VisitToken, campaignId: Int64, percent: Int) -> Bool {
        bucket(visitorId, campaignId: campaignId) < UInt64(percent) * 100
    }

    /// 0..<10,000, uniform because visitor ids are random; mixed with the campaign so the
    /// control groups of different campaigns are independent.
    static func bucket(_ visitorId: VisitToken, campaignId: Int64) -> UInt64 {
        var z = visitorId.high ^ (visitorId.low &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(bitPattern: campaignId &* 0x632B_E59B_D9B4_E019)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return z % 10_000
    }
}
