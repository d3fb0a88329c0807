import BeckonCore
import BeckonTesting
import Foundation
import Testing

/// A visitor clicking through a site, with the engine deciding on every page view and the
/// outcomes applied to the visitor exactly as `PageViews` does.
struct SimulatedVisitor {
    var index: CampaignIndex
    var state = VisitorState()
    var visitorId = VisitToken.random()
    var sessionId = VisitToken.random()
    var now = CampaignFixtures.epoch.addingTimeInterval(30 * 86400)
    var pages = 0
    let account = AccountID(trusted: "acme")

    init(_ campaigns: [(Campaign, [Engagement])], settings: AccountSettings = .init()) {
        index = CampaignIndex(accountId: AccountID(trusted: "acme"), settings: settings, campaigns: campaigns)
    }

    mutating func apply(_ event: VisitEvent) {
        state.apply(VisitJournalEntry(accountId: account, visitorId: visitorId, sessionId: sessionId, occurredAt: now, event: event))
    }

    @discardableResult
    mutating func view(
        _ url: String = "https://brand.example/", sections: [String] = [], attributes: [EngagementAttribute] = []
    ) -> DecisionEngine.Decision {
        pages += 1
        apply(
            .pageView(
                PageViewRecord(siteId: "s", pageId: "\(pages)", url: url, sections: sections, newVisit: state.visit(sessionId) == nil)))
        for attribute in attributes { apply(.attribute(AttributeRecord(pageId: "\(pages)", source: .page, attribute: attribute))) }
        return decideAgain()
    }

    /// The same page asking again (after `retryAfterMs`).
    mutating func decideAgain() -> DecisionEngine.Decision {
        let decision = DecisionEngine().decide(
            index: index, visitor: state, visit: state.visit(sessionId)!, visitorId: visitorId, now: now, trace: true)
        if !decision.outcomes.isEmpty { apply(.decision(DecisionRecord(pageId: "\(pages)", outcomes: decision.outcomes))) }
        return decision
    }

    mutating func report(_ type: ImpressionRecord.Kind, _ offer: DecisionEngine.Offer) {
        apply(
            .impression(
                ImpressionRecord(
                    type: type, pageId: "\(pages)", campaignId: offer.campaignId, engagementId: offer.engagement.id,
                    revision: offer.engagement.revision, contextId: offer.contextId)))
    }

    mutating func startNewVisit(after seconds: TimeInterval = 3600) {
        now = now.addingTimeInterval(seconds)
        sessionId = .random()
    }
}

extension DecisionEngine.Decision {
    func outcome(_ engagementId: Int64) -> DecisionOutcome? {
        outcomes.first { $0.engagementId == engagementId }?.outcome
    }

    var shownIds: [Int64] { offers.map(\.engagement.id) }
}

func attribute(_ json: String) -> EngagementAttribute {
    try! JSONDecoder().decode(EngagementAttribute.self, from: Data(json.utf8))
}

@Suite struct DecisionEngineTests {
    typealias F = CampaignFixtures

    /// The seed's example: with one shared cap of 1, a chat invitation already displayed uses it
    /// up, so Click to Call is not shown; with separate caps for chat and content, it is.
    @Test func seedExampleSharedCapBlocksClickToCallAfterChatSeparateCapsDoNot() {
        let campaigns = [
            (F.campaign(1, priority: 5), [F.engagement(1, campaign: 1, type: .chatInvitation, placement: .overlay)]),
            (
                F.campaign(2),
                [F.engagement(2, campaign: 2, entryPoint: EntryPoint(include: [.urlContains("/checkout/")]))]
            ),
        ]
        var shared = SimulatedVisitor(campaigns, settings: AccountSettings(caps: .init(mode: .shared, perVisit: 1)))
        #expect(shared.view("https://brand.example/home").shownIds == [1])
        let second = shared.view("https://brand.example/checkout/step1")
        #expect(second.shownIds.isEmpty)
        #expect(second.outcome(2) == .capped)

        var separate = SimulatedVisitor(
            campaigns, settings: AccountSettings(caps: .init(mode: .separate, perVisit: nil, perVisitChat: 1, perVisitContent: 1)))
        #expect(separate.view("https://brand.example/home").shownIds == [1])
        #expect(separate.view("https://brand.example/checkout/step1").shownIds == [2])
    }

    @Test func clickToCallIsShownDuringAnOngoingCallOrChat() {
        var visitor = SimulatedVisitor(
            [(F.campaign(1), [F.engagement(1, campaign: 1, proactive: false)])],
            settings: AccountSettings(caps: .init(perVisit: nil)))
        visitor.apply(
            .attribute(
                AttributeRecord(pageId: nil, source: .brand, attribute: attribute(#"{"type":"convStatus","contextId":"1","status":"CONNECTED"}"#))))
        #expect(visitor.view().shownIds == [1])
        #expect(visitor.view().shownIds == [1], "a button is offered on every page where it matches")
    }

    @Test func higherPriorityWinsThePlacementThenTheOlderCampaign() {
        let campaigns = [
            (F.campaign(1, priority: 1), [F.engagement(1, campaign: 1, placement: .toaster)]),
            (F.campaign(2, priority: 9), [F.engagement(2, campaign: 2, placement: .toaster)]),
            (F.campaign(3, priority: 1), [F.engagement(3, campaign: 3, placement: .toaster)]),
            (F.campaign(4, priority: 1), [F.engagement(4, campaign: 4, placement: .sticky)]),
        ]
        var visitor = SimulatedVisitor(campaigns, settings: AccountSettings(caps: .init(perVisit: nil)))
        let decision = visitor.view()
        #expect(decision.shownIds == [2, 4])
        #expect(decision.outcome(1) == .lostPriority)
        #expect(decision.outcome(3) == .lostPriority)
        // Without campaign 2, the older of the equal-priority campaigns (1) wins.
        var second = SimulatedVisitor(
            [campaigns[2], campaigns[0]], settings: AccountSettings(caps: .init(perVisit: nil)))
        #expect(second.view().shownIds == [1])
    }

    @Test func controlGroupShareHoldsWithinToleranceAndIsStablePerVisitor() {
        let campaigns = [(F.campaign(7, controlGroupPercent: 20), [F.engagement(7, campaign: 7)])]
        let index = CampaignIndex(accountId: AccountID(trusted: "acme"), settings: .init(), campaigns: campaigns)
        var inControl = 0
        for _ in 0..<10_000 {
            var visitor = SimulatedVisitor(campaigns)
            visitor.index = index
            let first = visitor.view()
            if first.outcome(7) == .controlGroup {
                inControl += 1
                visitor.startNewVisit()
                #expect(visitor.view().outcome(7) == .controlGroup, "membership is stable across visits")
            } else {
                #expect(first.outcome(7) == .shown)
            }
        }
        // 20% of 10,000 is 2,000; a binomial standard deviation is 40, so ±200 is 5 sigma.
        #expect((1800...2200).contains(inControl), "\(inControl) of 10000 in the control group")
    }

    @Test func shiftHoursGateTheCampaign() throws {
        let nineToFive = Shift(startMinute: 9 * 60, endMinute: 17 * 60)
        let frame = TimeFrame(timeZone: "UTC", weekly: [.mon: [nineToFive], .tue: [nineToFive]])
        var visitor = SimulatedVisitor([(F.campaign(1, timeFrame: frame), [F.engagement(1, campaign: 1)])])
        visitor.now = ShiftCalendarTests.utc("2026-11-23T08:59:00Z")  // Monday, before the shift
        #expect(visitor.view().outcome(1) == .outsideHours)
        visitor.now = ShiftCalendarTests.utc("2026-11-23T09:00:00Z")
        #expect(visitor.view().outcome(1) == .shown)
        visitor.startNewVisit()
        visitor.now = ShiftCalendarTests.utc("2026-11-25T10:00:00Z")  // Wednesday: closed
        #expect(visitor.view().outcome(1) == .outsideHours)
    }

    @Test func timeOnPageAnswersRetryAfterThenShows() {
        var visitor = SimulatedVisitor(
            [(F.campaign(1), [F.engagement(1, campaign: 1, behaviour: Behaviour(all: [.timeOnPageSeconds(20)]))])])
        let first = visitor.view()
        #expect(first.outcome(1) == .behaviourPending)
        #expect(first.retryAfterMs == 20_000)
        visitor.now = visitor.now.addingTimeInterval(12.5)
        #expect(visitor.decideAgain().retryAfterMs == 7_500)
        visitor.now = visitor.now.addingTimeInterval(7.5)
        let later = visitor.decideAgain()
        #expect(later.shownIds == [1])
        #expect(later.retryAfterMs == nil)
    }

    @Test func afterADeclineTheSameKindIsSuppressedOrEverything() {
        let campaigns = [
            (F.campaign(1, priority: 9), [F.engagement(1, campaign: 1, type: .content)]),
            (F.campaign(2), [F.engagement(2, campaign: 2, type: .clickToCall, placement: .sticky)]),
            (F.campaign(3), [F.engagement(3, campaign: 3, type: .chatInvitation, placement: .overlay)]),
        ]
        for (rule, chatShown) in [(AccountSettings.Caps.AfterDecline.suppressSameKind, true), (.suppressAll, false)] {
            var visitor = SimulatedVisitor(
                campaigns,
                settings: AccountSettings(caps: .init(perVisit: nil, afterDecline: rule)))
            visitor.index = CampaignIndex(
                accountId: visitor.account, settings: visitor.index.settings, campaigns: [campaigns[0]])
            let first = visitor.view()
            visitor.report(.impDisplay, first.offers[0])
            visitor.report(.impClose, first.offers[0])
            visitor.index = CampaignIndex(accountId: visitor.account, settings: visitor.index.settings, campaigns: campaigns)
            let second = visitor.view()
            #expect(second.outcome(2) == .declinedBefore, "\(rule)")
            #expect(second.outcome(3) == (chatShown ? .shown : .declinedBefore), "\(rule)")
        }
    }

    @Test func perVisitorCapCountsOffersOverDays() {
        var visitor = SimulatedVisitor(
            [(F.campaign(1), [F.engagement(1, campaign: 1)])],
            settings: AccountSettings(caps: .init(perVisit: nil, perVisitor: .init(max: 1, days: 7))))
        #expect(visitor.view().outcome(1) == .shown)
        visitor.startNewVisit(after: 3 * 86400)
        #expect(visitor.view().outcome(1) == .capped)
        visitor.startNewVisit(after: 4 * 86400 + 1)
        #expect(visitor.view().outcome(1) == .shown)
    }

    @Test func campaignCapAndOncePerVisitForProactiveEngagements() {
        let campaigns = [
            (
                F.campaign(1, capPerVisit: 1),
                [F.engagement(1, campaign: 1, placement: .toaster), F.engagement(2, campaign: 1, placement: .sticky)]
            )
        ]
        var visitor = SimulatedVisitor(campaigns, settings: AccountSettings(caps: .init(perVisit: nil)))
        let first = visitor.view()
        #expect(first.shownIds == [1])
        #expect(first.outcome(2) == .capped)
        #expect(visitor.view().outcome(1) == .capped, "a proactive engagement is offered once per visit")
        visitor.startNewVisit()
        #expect(visitor.view().shownIds == [1])
    }

    @Test func buttonsSkipTheCapsAndContextIdsCountUpInTheVisit() {
        let campaigns = [
            (F.campaign(1), [F.engagement(1, campaign: 1, type: .chatInvitation, placement: .overlay)]),
            (F.campaign(2), [F.engagement(2, campaign: 2, proactive: false, placement: .embedded)]),
        ]
        var visitor = SimulatedVisitor(campaigns, settings: AccountSettings(caps: .init(perVisit: 1)))
        let first = visitor.view()
        #expect(first.offers.map(\.contextId) == ["1", "2"])
        #expect(visitor.view().offers.map(\.contextId) == ["3"])
    }

    /// Every rule kind, fed the way the site feeds it: URLs, sections and SDEs.
    @Test func rulesReadWhatThePageReported() {
        typealias Case = (rule: Behaviour.Rule, feed: [(url: String, sdes: [String])])
        let cases: [Case] = [
            (.pageCount(min: 2), [("https://b.example/a", []), ("https://b.example/b", [])]),
            (.visitedURLContains("/pricing"), [("https://b.example/b", []), ("https://b.example/pricing", [])]),
            (.flow(["/a", "/b"]), [("https://b.example/a", []), ("https://b.example/x", []), ("https://b.example/b", [])]),
            (.cartTotal(min: 100, max: nil), [("https://b.example/", [#"{"type":"cart","total":150,"numItems":1}"#])]),
            (
                .cartDecreased,
                [
                    ("https://b.example/", [#"{"type":"cart","total":150,"numItems":2}"#]),
                    ("https://b.example/c", [#"{"type":"cart","total":50,"numItems":1}"#]),
                ]
            ),
            (
                .cartEmptied,
                [
                    ("https://b.example/", [#"{"type":"cart","total":150,"numItems":2}"#]),
                    ("https://b.example/c", [#"{"type":"cart","total":0,"numItems":0}"#]),
                ]
            ),
            (
                .productInCart("tv"),
                [("https://b.example/", [#"{"type":"cart","total":1,"numItems":1,"products":[{"product":{"name":"OLED TV"}}]}"#])]
            ),
            (
                .viewedProduct("sofa"),
                [("https://b.example/", [#"{"type":"prodView","products":[{"product":{"name":"Blue sofa","sku":"S1"}}]}"#])]
            ),
            (.visitorError("payment"), [("https://b.example/", [#"{"type":"error","error":{"message":"payment declined"}}"#])]),
            (.serviceActivity("billing"), [("https://b.example/", [#"{"type":"service","service":{"topic":"billing"}}"#])]),
        ]
        for (rule, feed) in cases {
            var visitor = SimulatedVisitor(
                [(F.campaign(1), [F.engagement(1, campaign: 1, proactive: false, behaviour: Behaviour(all: [rule]))])])
            var outcomes: [DecisionOutcome?] = []
            for step in feed { outcomes.append(visitor.view(step.url, attributes: step.sdes.map(attribute)).outcome(1)) }
            #expect(outcomes.last == .shown, "\(rule) after the whole feed")
            if feed.count > 1 { #expect(outcomes[0] == nil, "\(rule) does not hold after the first step") }
        }
    }

    @Test func audienceReadsReportedCustomerAndPersonalInfo() {
        let audience = Audience(
            platforms: [.mobile], customer: .init(types: ["vip"], balanceMin: 1000), personal: .init(ageMin: 30))
        var visitor = SimulatedVisitor([(F.campaign(1, audience: audience), [F.engagement(1, campaign: 1)])])
        visitor.apply(
            .pageView(
                PageViewRecord(
                    siteId: "s", pageId: "0", url: "https://b.example/", newVisit: true, client: ClientInfo(deviceFamily: "MOBILE"))))
        #expect(visitor.decideAgain().outcome(1) == nil)
        let decision = visitor.view(
            "https://b.example/account",
            attributes: [
                attribute(#"{"type":"ctmrinfo","info":{"ctype":"VIP","balance":5000}}"#),
                attribute(#"{"type":"personal","personal":{"age":{"age":41}}}"#),
            ])
        #expect(decision.outcome(1) == .shown)
    }

    @Test func calledWithinDaysReadsTheBrandsCallStatus() {
        var visitor = SimulatedVisitor(
            [(F.campaign(1), [F.engagement(1, campaign: 1, behaviour: Behaviour(all: [.notCalledWithinDays(2)]))])])
        visitor.apply(
            .attribute(
                AttributeRecord(pageId: nil, source: .brand, attribute: attribute(#"{"type":"convStatus","contextId":"1","status":"COMPLETED"}"#))))
        #expect(visitor.view().outcome(1) == nil)
        visitor.startNewVisit(after: 2 * 86400 + 60)
        #expect(visitor.view().outcome(1) == .shown)
    }
}

@Suite struct CampaignIndexTests {
    @Test func wordsOfContainsRulesAreOnlyTheEnclosedOnes() {
        #expect(CampaignIndex.enclosedWordsForTesting("/product/12/") == ["product", "12"])
        #expect(CampaignIndex.enclosedWordsForTesting("shoes") == [])
        #expect(CampaignIndex.enclosedWordsForTesting("/cart") == [])
    }

    /// The index narrows, it never decides: over many rules and URLs it offers exactly what a
    /// linear scan of every rule offers.
    @Test func indexAnswersWhatALinearScanAnswers() {
        let rules: [EntryPoint.Rule] = [
            .urlContains("/product/12/"), .urlContains("shoes"), .urlContains("/cart"), .urlExact("https://b.example/x"),
            .section("checkout"), .urlRegex("^https://b\\.example/p/[0-9]+$"), .urlContains("-sale-"), .urlContains("/PRODUCT/7/"),
        ]
        let campaigns = rules.enumerated().map { offset, rule in
            let id = Int64(offset + 1)
            return (
                CampaignFixtures.campaign(id),
                [CampaignFixtures.engagement(id, campaign: id, proactive: false, placement: .embedded, entryPoint: EntryPoint(include: [rule]))]
            )
        }
        let urls = [
            "https://b.example/product/12/", "https://b.example/product/123/", "https://b.example/x", "https://b.example/shoes2",
            "https://b.example/cart?x", "https://b.example/p/42", "https://b.example/big-sale-now", "https://b.example/product/7/a",
            "https://b.example/",
        ]
        for url in urls {
            for sections in [[], ["Checkout"]] {
                var visitor = SimulatedVisitor(campaigns, settings: AccountSettings(caps: .init(perVisit: nil)))
                let decision = visitor.view(url, sections: sections)
                let expected = campaigns.filter { campaign in
                    let compiled = try! CompiledEntryPoint(campaign.1[0].settings.entryPoint)
                    return compiled.matches(VisitFacts(url: url, sections: sections))
                }.map(\.0.id)
                #expect(decision.outcomes.map(\.campaignId).sorted() == expected.sorted(), "\(url) \(sections)")
            }
        }
    }

    @Test func aPageViewLooksOnlyAtCampaignsThatCouldMatch() {
        let index = CampaignIndex(
            accountId: AccountID(trusted: "acme"), settings: .init(), campaigns: CampaignFixtures.productCampaigns(10_000))
        #expect(index.candidateCountForTesting(url: "https://b.example/product/4321/details", sections: []) == 1)
    }
}

@Suite struct EngagedInVisitTests {
    /// `engagedInVisit` and its negation read what the tag reported in this visit.
    @Test func rulesFollowDisplaysDeclinesAndClicks() {
        typealias F = CampaignFixtures
        let campaigns = [
            (F.campaign(1, priority: 9), [F.engagement(1, campaign: 1, type: .content)]),
            (
                F.campaign(2),
                [
                    F.engagement(2, campaign: 2, proactive: false, placement: .sticky, behaviour: Behaviour(all: [.engagedInVisit(.clicked)])),
                    F.engagement(3, campaign: 2, proactive: false, placement: .embedded, behaviour: Behaviour(all: [.notEngagedInVisit(.exposed)])),
                ]
            ),
        ]
        var visitor = SimulatedVisitor(campaigns, settings: AccountSettings(caps: .init(perVisit: nil)))
        let first = visitor.view()
        #expect(first.outcome(1) == .shown)
        #expect(first.outcome(2) == nil)
        #expect(first.outcome(3) == .shown, "not yet exposed when the decision started")
        visitor.report(.impAccept, first.offers[0])
        let second = visitor.view()
        #expect(second.outcome(2) == .shown)
        #expect(second.outcome(3) == nil)
    }
}

@Suite struct LiveVisitStoreTests {
    @Test func aVisitorStaysHeldWhenTheChangeThrows() {
        let store = LiveVisitStore(capacity: 100, shardCount: 2)
        let key = LiveVisitStore.Key(accountId: AccountID(trusted: "acme"), visitorId: .random())
        store.withVisitor(key) { $0 = VisitorState() }
        struct Refused: Error {}
        #expect(throws: Refused.self) { try store.withVisitor(key) { _ in throw Refused() } }
        #expect(store.contains(key))
    }

    @Test func pastTheCapacityTheLeastRecentlyActiveVisitorIsDropped() {
        let store = LiveVisitStore(capacity: 3, shardCount: 1)
        let keys = (0..<4).map { _ in LiveVisitStore.Key(accountId: AccountID(trusted: "acme"), visitorId: .random()) }
        for key in keys.prefix(3) { store.withVisitor(key) { $0 = VisitorState() } }
        store.withVisitor(keys[0]) { _ in }  // the first is active again
        store.withVisitor(keys[3]) { $0 = VisitorState() }
        #expect(store.visitorCount == 3)
        #expect(store.contains(keys[0]) && !store.contains(keys[1]) && store.contains(keys[2]) && store.contains(keys[3]))
    }
}

@Suite struct CallStatusTests {
    @Test func statusesMoveForwardOnly() {
        var visitor = SimulatedVisitor([(CampaignFixtures.campaign(1), [CampaignFixtures.engagement(1, campaign: 1)])])
        let offer = visitor.view().offers[0]
        visitor.report(.impAccept, offer)
        var seen: [CallStatus?] = []
        for status in ["REQUESTED", "CONNECTED", "RINGING", "ON_HOLD", "CONNECTED", "COMPLETED", "FAILED"] {
            visitor.apply(
                .attribute(
                    AttributeRecord(
                        pageId: nil, source: .brand,
                        attribute: attribute(#"{"type":"convStatus","contextId":"1","status":"\#(status)"}"#))))
            seen.append(visitor.state.visit(visitor.sessionId)?.contexts[0].callStatus)
        }
        #expect(seen == [.requested, .connected, .connected, .onHold, .connected, .completed, .completed])
        #expect(visitor.state.visit(visitor.sessionId)?.windowFixedAt == visitor.now.millisecondsSince1970)
    }
}
