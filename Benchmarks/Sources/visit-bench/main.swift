import BeckonCore
import BeckonTesting
import Foundation

// visit-bench: the in-process parts of SPEC §16.
//
//   visit-bench decision      decision cost with 10 vs 10,000 live campaigns (ratio, target ≤ 3×)
//   visit-bench memory [N]    resident memory per live visit with N (default 1,000,000) visits

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("visit-bench: \(message)\n".utf8))
    exit(2)
}

/// Nanoseconds per decision for a visitor on a product page that one campaign targets.
func decisionCost(campaigns: Int, iterations: Int) -> Double {
    let account = AccountID(trusted: "acme")
    let index = CampaignIndex(
        accountId: account, settings: AccountSettings(caps: .init(perVisit: nil)),
        campaigns: CampaignFixtures.productCampaigns(campaigns, account: account))
    let engine = DecisionEngine()
    var visitor = VisitorState()
    let visitorId = VisitToken.random()
    let sessionId = VisitToken.random()
    let now = Date()
    let product = campaigns / 2 + 1
    visitor.apply(
        VisitJournalEntry(
            accountId: account, visitorId: visitorId, sessionId: sessionId, occurredAt: now,
            event: .pageView(
                PageViewRecord(
                    siteId: "s", pageId: "1", url: "https://shop.example/product/\(product)/blue-sofa?ref=home",
                    sections: ["living"], newVisit: true))))
    let visit = visitor.visit(sessionId)!
    var shown = 0
    // Warm up, then measure.
    for _ in 0..<1000 { shown += engine.decide(index: index, visitor: visitor, visit: visit, visitorId: visitorId, now: now).offers.count }
    let start = ContinuousClock.now
    for _ in 0..<iterations {
        shown += engine.decide(index: index, visitor: visitor, visit: visit, visitorId: visitorId, now: now).offers.count
    }
    let elapsed = ContinuousClock.now - start
    guard shown == 1000 + iterations else { fail("expected one offer per decision, got \(shown)") }
    let (seconds, attoseconds) = elapsed.components
    return (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(iterations)
}

func residentBytes() -> Int {
    let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
    let pages = Int(statm.split(separator: " ")[1]) ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Fills a store with `count` visitors, each with one visit of two page views (one with an SDE)
/// and one offered engagement — a typical live visit — and measures resident memory.
func memoryPerVisit(count: Int) -> (bytesPerVisit: Double, total: Int) {
    let account = AccountID(trusted: "acme")
    let store = LiveVisitStore(capacity: count * 2)
    let cart = try! EngagementAttribute(fields: [
        "type": .string("cart"), "total": .number(129.9), "numItems": .number(2),
    ])
    let now = Date()
    let before = residentBytes()
    for n in 0..<count {
        let visitorId = VisitToken.random()
        let sessionId = VisitToken.random()
        var state = VisitorState()
        func apply(_ event: VisitEvent) {
            state.apply(
                VisitJournalEntry(accountId: account, visitorId: visitorId, sessionId: sessionId, occurredAt: now, event: event))
        }
        apply(
            .pageView(
                PageViewRecord(
                    siteId: "s_8H2kQ0aZ", pageId: "1", url: "https://shop.example/product/\(n % 5000)/blue-sofa",
                    title: "Blue sofa", referrer: "https://www.google.com/", newVisit: true,
                    client: ClientInfo(deviceFamily: "DESKTOP", ipAddress: "203.0.113.\(n % 250)"))))
        apply(.pageView(PageViewRecord(siteId: "s_8H2kQ0aZ", pageId: "2", url: "https://shop.example/cart", newVisit: false)))
        apply(.attribute(AttributeRecord(pageId: "2", source: .page, attribute: cart)))
        apply(
            .decision(
                DecisionRecord(
                    pageId: "2",
                    outcomes: [
                        .init(
                            campaignId: 7, engagementId: 11, revision: 1, outcome: .shown, type: .clickToCall, proactive: true,
                            placement: .toaster, contextId: "1")
                    ])))
        store.withVisitor(LiveVisitStore.Key(accountId: account, visitorId: visitorId)) { $0 = state }
    }
    let after = residentBytes()
    guard store.visitorCount == count else { fail("store holds \(store.visitorCount) of \(count)") }
    return (Double(after - before) / Double(count), after - before)
}

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "decision":
    let small = decisionCost(campaigns: 10, iterations: 200_000)
    let large = decisionCost(campaigns: 10_000, iterations: 200_000)
    print(
        #"{"benchmark":"decision-cost","campaigns10_ns":\#(Int(small)),"campaigns10000_ns":\#(Int(large)),"ratio":\#(String(format: "%.2f", large / small)),"target_ratio_max":3}"#
    )
case "memory":
    let count = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
    let (perVisit, total) = memoryPerVisit(count: count)
    print(
        #"{"benchmark":"memory-per-visit","visits":\#(count),"resident_bytes":\#(total),"bytes_per_visit":\#(Int(perVisit)),"target_bytes_max":2048}"#
    )
default:
    fail("usage: visit-bench decision | memory [visits]")
}
