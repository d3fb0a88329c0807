import BeckonCore
import BeckonTesting
import Foundation
import Testing

/// A scripted event history, fed as the journal would hold it.
struct EventScript {
    var events: [StoredEvent] = []
    var visitor = VisitToken.random()
    var session = VisitToken.random()
    var at = CampaignFixtures.epoch

    mutating func visit(_ visitor: VisitToken, _ session: VisitToken) {
        self.visitor = visitor
        self.session = session
    }

    mutating func add(_ event: VisitEvent) {
        at = at.addingTimeInterval(1)
        let entry = VisitJournalEntry(accountId: AccountID(trusted: "acme"), visitorId: visitor, sessionId: session, occurredAt: at, event: event)
        events.append(StoredEvent(sequence: Int64(events.count + 1), event: entry.journalEvent))
    }

    mutating func page(_ id: String, newVisit: Bool = false) {
        add(.pageView(PageViewRecord(siteId: "s", pageId: id, url: "https://b.example/\(id)", newVisit: newVisit)))
    }

    mutating func decide(_ page: String, _ outcomes: [(campaign: Int64, engagement: Int64, outcome: DecisionOutcome, context: String?)]) {
        add(
            .decision(
                DecisionRecord(
                    pageId: page,
                    outcomes: outcomes.map {
                        .init(
                            campaignId: $0.campaign, engagementId: $0.engagement, revision: 1, outcome: $0.outcome, type: .clickToCall,
                            proactive: true, placement: .toaster, contextId: $0.context)
                    })))
    }

    mutating func impression(_ type: ImpressionRecord.Kind, campaign: Int64, engagement: Int64, context: String = "1") {
        add(.impression(ImpressionRecord(type: type, pageId: nil, campaignId: campaign, engagementId: engagement, revision: 1, contextId: context)))
    }

    mutating func sde(_ fields: [String: JSONValue]) {
        add(.attribute(AttributeRecord(pageId: nil, source: .page, attribute: try! EngagementAttribute(fields: fields))))
    }

    mutating func purchase(_ orderId: String, _ total: Double) {
        sde(["type": .string("purchase"), "orderId": .string(orderId), "total": .number(total)])
    }

    mutating func lead(_ leadId: String) {
        sde(["type": .string("lead"), "lead": .object(["leadId": .string(leadId), "topic": .string("quote")])])
    }

    mutating func call(_ status: String, context: String = "1") {
        let sde = try! EngagementAttribute(fields: ["type": .string("convStatus"), "contextId": .string(context), "status": .string(status)])
        add(.attribute(AttributeRecord(pageId: nil, source: .brand, attribute: sde)))
    }
}

@Suite struct FunnelAggregatorTests {
    /// Campaign 1 has engagements 11 and 12, campaign 2 has 21. Counts by hand in the comments.
    static func history() -> [StoredEvent] {
        var script = EventScript()
        let (a, b, c) = (VisitToken.random(), VisitToken.random(), VisitToken.random())
        // Visitor A, first visit: shown 11 (campaign 2 capped), displayed twice, clicked, a completed call.
        script.visit(a, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 11, .shown, "1"), (2, 21, .capped, nil)])
        script.impression(.impDisplay, campaign: 1, engagement: 11)
        script.page("2")
        script.impression(.impDisplay, campaign: 1, engagement: 11)
        script.impression(.impAccept, campaign: 1, engagement: 11)
        for status in ["REQUESTED", "RINGING", "CONNECTED", "COMPLETED"] { script.call(status) }
        // Visitor B: control group of campaign 1; campaign 2 shown and closed.
        script.visit(b, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 11, .controlGroup, nil), (2, 21, .shown, "1")])
        script.impression(.impDisplay, campaign: 2, engagement: 21)
        script.impression(.impClose, campaign: 2, engagement: 21)
        // Visitor C: behaviour pending, then shown on the same page; clicked twice; not answered.
        script.visit(c, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 11, .behaviourPending, nil)])
        script.decide("1", [(1, 11, .shown, "1")])
        script.impression(.impDisplay, campaign: 1, engagement: 11)
        script.impression(.impAccept, campaign: 1, engagement: 11)
        script.impression(.impAccept, campaign: 1, engagement: 11)
        script.call("REQUESTED")
        script.call("NO_ANSWER")
        // Visitor A again, a second visit: engagement 12 shown and displayed.
        script.visit(a, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 12, .shown, "1")])
        script.impression(.impDisplay, campaign: 1, engagement: 12)
        return script.events
    }

    static func aggregate(_ events: [StoredEvent]) -> FunnelAggregator {
        var aggregator = FunnelAggregator()
        for event in events { aggregator.add(event) }
        return aggregator
    }

    @Test func campaignMetricsMatchTheHandCount() {
        let aggregator = Self.aggregate(Self.history())
        var one = FunnelMetrics()
        one.visits = 4  // a1, b1, c1, a2
        one.pageViews = 5  // a1: 2, b1, c1, a2: 1 each
        one.prospects = 4  // a1, b1 (control group), c1, a2
        one.exposed = 3  // a1, c1, a2
        one.exposures = 3  // (a1, 11), (c1, 11), (a2, 12): a1's second display of 11 counts once
        one.engagementViews = 4  // a1 twice, c1, a2
        one.clicks = 2  // a1 context 1, c1 context 1 (clicked twice, counted once)
        one.engaged = 2  // a1, c1
        one.callsRequested = 2  // a1, c1
        one.callsConnected = 1  // a1
        one.callsCompleted = 1  // a1
        one.controlGroupVisits = 1  // b1
        one.notShown = ["controlGroup": 1, "behaviourPending": 1]  // b1; c1 before time on page
        #expect(aggregator.metrics(campaignId: 1) == one)

        var two = FunnelMetrics()
        two.visits = 4
        two.pageViews = 5
        two.prospects = 2  // a1 (capped), b1
        two.exposed = 1
        two.exposures = 1
        two.engagementViews = 1
        two.notShown = ["capped": 1]
        #expect(aggregator.metrics(campaignId: 2) == two)
    }

    @Test func accountMetricsCountDistinctVisitsAcrossCampaigns() {
        let account = Self.aggregate(Self.history()).metrics()
        #expect(account.prospects == 4 && account.exposed == 4)  // b1 is exposed to campaign 2
        #expect(account.exposures == 4 && account.engagementViews == 5)
        #expect(account.clicks == 2 && account.engaged == 2)
        #expect(account.notShown == ["controlGroup": 1, "behaviourPending": 1, "capped": 1])
        #expect(
            Self.aggregate(Self.history()).metrics(campaignId: 99)
                == {
                    var none = FunnelMetrics()
                    none.visits = 4
                    none.pageViews = 5
                    return none
                }())
    }

    @Test func rebuildingFromTheSameEventsGivesTheSameNumbers() {
        let events = Self.history()
        #expect(Self.aggregate(events).metrics() == Self.aggregate(events).metrics())
        #expect(Self.aggregate(events).metrics(campaignId: 1) == Self.aggregate(events).metrics(campaignId: 1))
    }

    /// Campaign 1's goal is a purchase of at least 50, campaign 2's a lead.
    @Test func goalsAndConversionsMatchTheHandCount() {
        var script = EventScript()
        let (a, b, c) = (VisitToken.random(), VisitToken.random(), VisitToken.random())
        script.visit(a, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 11, .shown, "1"), (2, 21, .capped, nil)])
        script.impression(.impDisplay, campaign: 1, engagement: 11)
        script.purchase("O-1", 200)  // campaign 1: reached and converted, revenue 200
        script.purchase("O-1", 200)  // the same order again: not counted
        script.purchase("O-2", 30)  // below the minimum total: not a goal of campaign 1
        script.visit(b, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 11, .controlGroup, nil), (2, 21, .shown, "1")])
        script.impression(.impDisplay, campaign: 2, engagement: 21)
        script.purchase("O-9", 100)  // campaign 1: reached, a control-group conversion, not a conversion
        script.lead("L-1")  // campaign 2: reached and converted
        script.lead("L-1")  // the same lead again: not counted
        script.visit(c, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 11, .shown, "1")])
        script.purchase("O-5", 80)  // campaign 1: reached before the display, so not a conversion
        script.impression(.impDisplay, campaign: 1, engagement: 11)
        var aggregator = FunnelAggregator(goals: [1: Goal(type: .purchase, minTotal: 50), 2: Goal(type: .lead)])
        for event in script.events { aggregator.add(event) }

        let one = aggregator.metrics(campaignId: 1)
        #expect(one.goalsReached == 3)  // O-1 (a), O-9 (b), O-5 (c)
        #expect(one.conversions == 1)  // O-1
        #expect(one.revenue == 200)
        #expect(one.controlGroupConversions == 1)  // O-9
        let two = aggregator.metrics(campaignId: 2)
        #expect(two.goalsReached == 1 && two.conversions == 1 && two.revenue == 0)  // L-1 in b
        let account = aggregator.metrics()
        #expect(account.conversions == 2 && account.revenue == 200)
    }

    /// A exposed to campaigns 1 then 3 on day 0 (clicking 1), buys on day 3 in a new visit and again
    /// on day 9 (outside the 7-day window).
    @Test func crossSessionConversionsFollowTheWindowAndTheAttribution() {
        var script = EventScript()
        let a = VisitToken.random()
        script.visit(a, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 11, .shown, "1"), (3, 31, .shown, "2")])
        script.impression(.impDisplay, campaign: 1, engagement: 11, context: "1")
        script.impression(.impAccept, campaign: 1, engagement: 11, context: "1")
        script.impression(.impDisplay, campaign: 3, engagement: 31, context: "2")
        script.at = script.at.addingTimeInterval(3 * 86_400)
        script.visit(a, .random())
        script.page("1", newVisit: true)
        script.purchase("O-7", 90)  // day 3: inside the window
        script.at = script.at.addingTimeInterval(6 * 86_400)
        script.visit(a, .random())
        script.page("1", newVisit: true)
        script.purchase("O-8", 90)  // day 9: outside the 7-day window
        let goals: [Int64: Goal] = [1: Goal(type: .purchase), 3: Goal(type: .purchase)]

        var last = FunnelAggregator(goals: goals, crossSessionDays: 7, attribution: .last)
        var first = FunnelAggregator(goals: goals, crossSessionDays: 7, attribution: .first)
        var none = FunnelAggregator(goals: goals, crossSessionDays: 0)
        for event in script.events {
            last.add(event)
            first.add(event)
            none.add(event)
        }
        #expect(last.metrics(campaignId: 3).crossSessionConversions == 1)  // the last exposure
        #expect(last.metrics(campaignId: 1).crossSessionConversions == 0)
        #expect(first.metrics(campaignId: 1).crossSessionConversions == 1)  // the first exposure
        #expect(first.metrics(campaignId: 3).crossSessionConversions == 0)
        #expect(last.metrics(campaignId: 1).crossSessionConversionsAfterEngagement == 1)  // only 1 was clicked
        #expect(last.metrics().crossSessionConversions == 1, "one purchase, one attribution; O-8 is too late")
        #expect(last.metrics(campaignId: 1).conversions == 0, "not in the visit of the exposure")
        #expect(none.metrics().crossSessionConversions == 0)
    }
}
