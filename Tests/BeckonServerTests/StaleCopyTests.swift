import BeckonCore
import BeckonServer
import BeckonTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Several nodes (SPEC §14): a node whose copy of a visitor missed what another node wrote — it
/// never heard the other node's claim — still never answers from it. The second node here is a
/// fresh application over the same storage that does not tell the first one anything.
@Suite struct StaleCopyTests {
    @Test func aVisitorMovedToAnotherNodeAndBackIsNeverAnsweredFromTheOldCopy() async throws {
        try await TestApp.with { app, nodeA in
            let fixture = try await MonitoringFixture.make(app)
            // Node A serves the page view and the click, and keeps its copy of the visitor.
            let visit = try await ClickedVisit.make(nodeA, fixture)
            try await app.restarted().test(.router) { nodeB in
                // Failover: node B rebuilds the visitor from the journal and validates the click.
                let validation = try await nodeB.call(.get, visit.validatePath(), key: app.acmeAdmin)
                #expect(validation.status == .ok)
                // Back on A, whose copy still has the click unvalidated: the second validation is refused.
                let second = try await nodeA.call(.get, visit.validatePath(), key: app.acmeAdmin)
                #expect(second.status == .notFound)
                #expect(try second.decoded(ValidationReply.self).reason == "the click was already validated")

                let events = try await nodeB.call(
                    .post, visit.visitPath("events"), key: app.acmeAdmin, json: "[\(convStatus("REQUESTED")),\(convStatus("CONNECTED"))]")
                #expect(events.status == .ok)
                // A late RINGING reaches A, whose copy has no status yet: it does not move the call back.
                let late = try await nodeA.call(.post, visit.visitPath("events"), key: app.acmeAdmin, json: "[\(convStatus("RINGING"))]")
                #expect(late.status == .ok)
                let state = try await nodeA.call(.get, visit.visitPath("state"), key: app.acmeReader).decoded(JSONValue.self)
                let session = try #require(state["appSessions"]?.array?.first)
                #expect(session["conversationStatus"]?["status"]?.string == "CONNECTED")
                let metrics = try await nodeA.call(.get, "/metrics").text
                let refused = metrics.split(separator: "\n").first { $0.hasPrefix("beckon_journal_stale_copies_total ") }
                #expect(refused.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 >= 2 } == true, "counted: \(refused ?? "none")")
                // (B's copy, which missed the RINGING, is dropped when A claims the visitor: the
                // relay between nodes, PostgreSQLChangeRelayTests; not modelled by this test.)
            }
            let journal = try await app.storage.journal.events(
                accountId: AccountID(trusted: "acme"), visitorId: visit.reply.visitorId, since: .distantPast, limit: 100)
            #expect(journal.filter { $0.event.kind == .validation }.count == 1, "one click, one validation")
            let places = journal.compactMap(\.event.visitorSequence)
            #expect(places == Array(1...Int64(journal.count)), "one history, each place taken once, in order")
        }
    }

    @Test func aClickOnAContextAnotherNodeIssuedIsAccepted() async throws {
        try await TestApp.with { app, nodeA in
            let fixture = try await MonitoringFixture.make(app)
            // The visitor's first page view lands on A (no visitor id yet to route by) and stays there.
            let first = try await nodeA.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            #expect(first.engagementDetails?.first != nil)
            try await app.restarted().test(.router) { nodeB in
                // Its next page view is routed to B, in a new visit there (the first has ended).
                app.clock.advance(by: 31 * 60)
                let second = try await nodeB.pageView(fixture.engagementPath + "&vid=\(first.visitorId)").decoded(EngagementReply.self)
                let offered = try #require(second.engagementDetails?.first)
                #expect(second.sessionId != first.sessionId && second.visitorId == first.visitorId)
                // The click comes back to A, which never heard of that visit: it checks the journal.
                let clicked = try await nodeA.report(
                    fixture.reportPath(second), "[\(impression("impDisplay", offered)),\(impression("impAccept", offered))]")
                #expect(clicked.status == .ok)
                #expect(try clicked.decoded(ReportReply.self).clickThrough != nil)
            }
        }
    }
}
