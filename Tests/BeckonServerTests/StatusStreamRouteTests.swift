import BeckonCore
import BeckonServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct StatusStreamRouteTests {
    @Test func theFourthStreamOfOneClickTokenIs429() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let key = CallStatusHub.Key(
                accountId: AccountID(trusted: "acme"), visitorId: try #require(VisitToken(visit.reply.visitorId)),
                sessionId: try #require(VisitToken(visit.reply.sessionId)))
            // Three pages hold the click's streams open.
            let open = try (0..<3).map { _ in try app.dependencies.callStatus.subscribe(key, click: visit.detail.contextId) }
            let path =
                "/api/account/acme/monitoring/visitors/\(visit.reply.visitorId)/visits/current/status-stream"
                + "?sid=\(visit.reply.sessionId)&token=\(visit.clickThrough.token)"
            let fourth = try await client.execute(uri: path, method: .get)
            #expect(fourth.status == .tooManyRequests && fourth.headers[.retryAfter] == "15")
            #expect(fourth.envelope?.message == "at most 3 status streams may be open for one click")
            withExtendedLifetime(open) {}
        }
    }
}
