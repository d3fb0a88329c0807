package import BeckonCore
package import Foundation

/// A scripted history of four visitors over ten days in America/New_York, with every funnel
/// figure counted by hand (SPEC §10). Reporting tests in every module and both storage backends
/// check their numbers against it.
///
/// Campaigns: 1 (goal: purchase of at least 50; control group; engagements 11 toaster and 12
/// overlay), 2 (goal: lead; engagement 21), 3 (goal: purchase; engagement 31). Local days:
/// 2026-11-02 (D1), 11-03 (D2), 11-05, 11-11; EST is UTC−5.
package enum ReportHistory {
    package static let timeZone = "America/New_York"
    package static let goals: [Int64: Goal] = [1: Goal(type: .purchase, minTotal: 50), 2: Goal(type: .lead), 3: Goal(type: .purchase)]
    package static let days = ["2026-11-02", "2026-11-03", "2026-11-05", "2026-11-11"].map { LocalDate($0)! }

    package static func settings(attribution: AccountSettings.Attribution = .last) -> RollupSettings {
        RollupSettings(goals: goals, crossSessionDays: 7, attribution: attribution, timeZone: timeZone)
    }

    package static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    package static func events(account: AccountID = AccountID(trusted: "acme")) -> [StoredEvent] {
        var script = EventScript()
        script.accountId = account
        let (a, b, c, d) = (VisitToken.random(), VisitToken.random(), VisitToken.random(), VisitToken.random())

        // a1, D1 10:00 local: 11 shown (2 capped), displayed twice, clicked, a completed call, O-1 twice.
        script.at = utc("2026-11-02T15:00:00Z")
        script.visit(a, .random())
        script.page("1", newVisit: true)
        script.customer("vip")
        script.decide("1", [(1, 11, .shown, "1"), (2, 21, .capped, nil)])
        script.impression(.impDisplay, campaign: 1, engagement: 11)
        script.page("2")
        script.impression(.impDisplay, campaign: 1, engagement: 11)
        script.impression(.impAccept, campaign: 1, engagement: 11)
        script.call("REQUESTED")
        script.call("RINGING")
        script.call("CONNECTED")
        script.call("COMPLETED", disposition: "sale")
        script.purchase("O-1", 200)
        script.purchase("O-1", 200)

        // b1, D1 23:50 local into D2: control group of 1; 21 shown and declined; after midnight
        // 21 is not shown again (declined before); a lead twice and a purchase.
        script.at = utc("2026-11-03T04:50:00Z")
        script.visit(b, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 11, .controlGroup, nil), (2, 21, .shown, "1")])
        script.impression(.impDisplay, campaign: 2, engagement: 21)
        script.impression(.impClose, campaign: 2, engagement: 21)
        script.at = utc("2026-11-03T05:10:00Z")
        script.page("2")
        script.decide("2", [(2, 21, .declinedBefore, nil)])
        script.lead("L-1")
        script.lead("L-1")
        script.purchase("O-9", 100)

        // c1, D2 09:00: behaviour pending, then 11 and 21 shown; 11 clicked twice; no answer; O-5.
        script.at = utc("2026-11-03T14:00:00Z")
        script.visit(c, .random())
        script.page("1", newVisit: true)
        script.customer("regular")
        script.decide("1", [(1, 11, .behaviourPending, nil)])
        script.decide("1", [(1, 11, .shown, "1"), (2, 21, .shown, "2")])
        script.impression(.impDisplay, campaign: 1, engagement: 11, context: "1")
        script.impression(.impDisplay, campaign: 2, engagement: 21, context: "2")
        script.impression(.impAccept, campaign: 1, engagement: 11, context: "1")
        script.impression(.impAccept, campaign: 1, engagement: 11, context: "1")
        script.call("REQUESTED")
        script.call("NO_ANSWER", disposition: "noAnswer")
        script.purchase("O-5", 80)

        // d1, D2 10:00: 12 (overlay) shown and displayed, then 31 on the next page.
        script.at = utc("2026-11-03T15:00:00Z")
        script.visit(d, .random())
        script.page("1", newVisit: true)
        script.decide("1", [(1, 12, .shown, "1")], placement: .overlay)
        script.impression(.impDisplay, campaign: 1, engagement: 12, context: "1")
        script.page("2")
        script.decide("2", [(3, 31, .shown, "2")])
        script.impression(.impDisplay, campaign: 3, engagement: 31, context: "2")

        // a2 and d2 on 11-05, new visits: O-7 (A exposed to and clicked 1), O-20 (D exposed to 1 then 3).
        script.at = utc("2026-11-05T17:00:00Z")
        script.visit(a, .random())
        script.page("1", newVisit: true)
        script.purchase("O-7", 90)
        script.visit(d, .random())
        script.page("1", newVisit: true)
        script.purchase("O-20", 60)

        // a3 on 11-11: O-8, nine days after A's exposure: outside the 7-day window.
        script.at = utc("2026-11-11T17:00:00Z")
        script.visit(a, .random())
        script.page("1", newVisit: true)
        script.purchase("O-8", 90)
        return script.events
    }

    /// Campaign 1 over the whole history, with last-touch attribution.
    package static var campaignOne: FunnelMetrics {
        var m = FunnelMetrics()
        m.visits = 7  // a1 b1 c1 d1 a2 d2 a3 (the account's)
        m.pageViews = 10  // a1 2, b1 2, c1 1, d1 2, a2 1, d2 1, a3 1
        m.prospects = 4  // a1, b1 (control group), c1, d1
        m.exposed = 3  // a1, c1, d1
        m.exposures = 3  // (a1, 11) — displayed twice, counted once — (c1, 11), (d1, 12)
        m.engagementViews = 4  // a1 twice, c1, d1
        m.clicks = 2  // a1 context 1; c1 context 1, clicked twice
        m.engaged = 2  // a1, c1
        m.callsRequested = 2  // a1, c1
        m.callsConnected = 1  // a1
        m.callsCompleted = 1  // a1
        m.controlGroupVisits = 1  // b1
        m.goalsReached = 3  // O-1 (a1; its repeat not counted), O-9 (b1), O-5 (c1)
        m.conversions = 2  // O-1, O-5 (after the display); O-9 was in the control group
        m.revenue = 280  // 200 + 80
        m.controlGroupConversions = 1  // O-9
        m.crossSessionConversions = 1  // O-7 in a2 (last exposure of A: campaign 1); O-20 goes to 3; O-8 too late
        m.crossSessionConversionsAfterEngagement = 1  // O-7: A clicked 1 in a1
        m.notShown = ["controlGroup": 1, "behaviourPending": 1]  // b1, c1
        return m
    }

    package static var campaignTwo: FunnelMetrics {
        var m = FunnelMetrics()
        m.visits = 7
        m.pageViews = 10
        m.prospects = 3  // a1 (capped), b1, c1
        m.exposed = 2  // b1, c1
        m.exposures = 2
        m.engagementViews = 2
        m.goalsReached = 1  // L-1 in b1, once
        m.conversions = 1  // b1 was shown 21 before the lead
        m.notShown = ["capped": 1, "declinedBefore": 1]  // a1; b1 after midnight
        return m
    }

    package static var campaignThree: FunnelMetrics {
        var m = FunnelMetrics()
        m.visits = 7
        m.pageViews = 10
        m.prospects = 1  // d1
        m.exposed = 1
        m.exposures = 1
        m.engagementViews = 1
        m.crossSessionConversions = 1  // O-20 in d2: D's last exposure was to 3
        return m
    }

    /// The account: distinct visits across campaigns, sums of the rest.
    package static var account: FunnelMetrics {
        var m = FunnelMetrics()
        m.visits = 7
        m.pageViews = 10
        m.prospects = 4  // a1, b1, c1, d1
        m.exposed = 4  // b1 was exposed to campaign 2
        m.exposures = 6  // a1-11, b1-21, c1-11, c1-21, d1-12, d1-31
        m.engagementViews = 7  // 4 + 2 + 1
        m.clicks = 2
        m.engaged = 2
        m.callsRequested = 2
        m.callsConnected = 1
        m.callsCompleted = 1
        m.controlGroupVisits = 1
        m.goalsReached = 4  // 3 of campaign 1, 1 of campaign 2
        m.conversions = 3
        m.revenue = 280
        m.controlGroupConversions = 1
        m.crossSessionConversions = 2  // O-7 → 1, O-20 → 3
        m.crossSessionConversionsAfterEngagement = 1
        m.notShown = ["controlGroup": 1, "behaviourPending": 1, "capped": 1, "declinedBefore": 1]
        return m
    }

    /// Account visits and page views per local day: b1 began at 23:50 on 11-02, its second page
    /// was on 11-03.
    package static let visitsByDay: [String: (visits: Int, pageViews: Int)] = [
        "2026-11-02": (2, 3),  // a1 (2 pages), b1 (1)
        "2026-11-03": (2, 4),  // c1, d1 (2 pages); b1's second page
        "2026-11-05": (2, 2),  // a2, d2
        "2026-11-11": (1, 1),  // a3
    ]

    /// Campaign 1 per day: prospects, exposed, goals reached.
    package static let campaignOneByDay: [String: (prospects: Int, exposed: Int, goalsReached: Int)] = [
        "2026-11-02": (2, 1, 1),  // a1, b1; a1; O-1
        "2026-11-03": (2, 2, 2),  // c1, d1; c1, d1; O-9 (b1 after midnight), O-5
    ]
}
