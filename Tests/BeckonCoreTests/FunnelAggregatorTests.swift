import BeckonCore
import BeckonTesting
import Foundation
import Testing

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

/// The shared scripted history (`ReportHistory`): every metric against the hand count.
@Suite struct ReportHistoryTests {
    static func aggregate(_ settings: RollupSettings = ReportHistory.settings()) -> FunnelAggregator {
        var aggregator = FunnelAggregator(settings: settings)
        for event in ReportHistory.events() { aggregator.add(event) }
        return aggregator
    }

    @Test func everyMetricMatchesTheHandCount() {
        let aggregator = Self.aggregate()
        #expect(aggregator.metrics(campaignId: 1) == ReportHistory.campaignOne)
        #expect(aggregator.metrics(campaignId: 2) == ReportHistory.campaignTwo)
        #expect(aggregator.metrics(campaignId: 3) == ReportHistory.campaignThree)
        #expect(aggregator.metrics() == ReportHistory.account)
    }

    @Test func firstTouchAttributionMovesTheCrossSessionConversion() {
        let first = Self.aggregate(ReportHistory.settings(attribution: .first))
        #expect(first.metrics(campaignId: 1).crossSessionConversions == 2)  // O-7 and O-20 (D saw 12 before 31)
        #expect(first.metrics(campaignId: 3).crossSessionConversions == 0)
        #expect(first.metrics().crossSessionConversions == 2)
    }

    @Test func rowsFallOnTheAccountsLocalDays() {
        let rows = Self.aggregate().rollups
        for (day, expected) in ReportHistory.visitsByDay {
            let account = rows.filter { $0.key.level == .account && $0.key.hour.day.description == day }.values
                .reduce(into: FunnelMetrics()) { $0 += $1 }
            #expect(account.visits == expected.visits, "\(day)")
            #expect(account.pageViews == expected.pageViews, "\(day)")
        }
        for (day, expected) in ReportHistory.campaignOneByDay {
            let one = rows.filter { $0.key.level == .campaign && $0.key.campaignId == 1 && $0.key.hour.day.description == day }
                .values.reduce(into: FunnelMetrics()) { $0 += $1 }
            #expect(one.prospects == expected.prospects && one.exposed == expected.exposed, "\(day)")
            #expect(one.goalsReached == expected.goalsReached, "\(day)")
        }
        // b1 began at 23:50 local: in UTC it would have been on 11-03.
        let b1 = rows.keys.filter { $0.level == .account && $0.hour.day.description == "2026-11-02" }.map(\.hour.hour)
        #expect(b1.contains(23))
    }

    @Test func engagementRowsCarryRevisionAndPlacement() {
        let rows = Self.aggregate().rollups.filter { $0.key.level == .engagement && $0.key.campaignId == 1 }
        let twelve = rows.filter { $0.key.engagement.engagementId == 12 }
        #expect(Set(twelve.keys.map(\.engagement.placement)) == ["overlay"])
        #expect(twelve.values.reduce(into: FunnelMetrics()) { $0 += $1 }.exposures == 1)
        let eleven = rows.filter { $0.key.engagement.engagementId == 11 }.values.reduce(into: FunnelMetrics()) { $0 += $1 }
        #expect(eleven.exposures == 2 && eleven.clicks == 2 && eleven.conversions == 2 && eleven.revenue == 280)
    }

    @Test func liftIsTheExposedConversionRateAgainstTheControlGroups() {
        let one = ReportHistory.campaignOne
        // exposed: 2 conversions / 3 visits; control group: 1 / 1.
        #expect(abs(one.lift! - (2.0 / 3.0 - 1)) < 1e-9)
        #expect(ReportHistory.campaignTwo.lift == nil)
    }

    @Test func hoursFollowTheZoneIncludingHalfHourOffsets() {
        var india = LocalHourClock(identifier: "Asia/Kolkata")
        let hour = india.hour(of: ReportHistory.utc("2026-11-02T18:45:00Z"))  // 00:15 on 11-03 in India
        #expect(hour.day.description == "2026-11-03" && hour.hour == 0)
        #expect(hour.start == ReportHistory.utc("2026-11-02T18:30:00Z"))
        let newYork = LocalHourClock(identifier: "America/New_York")
        #expect(newYork.start(of: LocalDate("2026-11-02")!) == ReportHistory.utc("2026-11-02T05:00:00Z"))
        #expect(newYork.start(of: LocalDate("2026-11-01")!) == ReportHistory.utc("2026-11-01T04:00:00Z"))  // still EDT at midnight
        #expect(LocalDate(daysSince1970: LocalDate("2028-02-29")!.daysSince1970).description == "2028-02-29")
    }
}
