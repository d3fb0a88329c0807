import BeckonCore
import BeckonServer
import BeckonTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct VisitInformationRouteTests {
    @Test func answersLivePersonsShapeWithWhatThePageAndBrandReported() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let sdes = #"""
                ,"engagementAttributes":[
                 {"type":"ctmrinfo","info":{"ctype":"vip","cstatus":"active","customerId":"C-1","balance":900}},
                 {"type":"personal","personal":{"firstname":"Ana","lastname":"Silva","age":{"age":41},"contacts":[{"phone":"+15550100"}]}},
                 {"type":"cart","total":240,"numItems":2,"products":[{"product":{"name":"Sofa","sku":"S1","price":240},"quantity":1}]},
                 {"type":"purchase","total":240,"orderId":"O-1"},{"type":"purchase","total":240,"orderId":"O-1"}],
                 "page":{"title":"Sofa","referrer":"https://www.google.com/"}
                """#
            let reply = try await client.pageView(fixture.engagementPath, extra: sdes).decoded(EngagementReply.self)
            let detail = try #require(reply.engagementDetails?.first)
            _ = try await client.report(
                fixture.reportPath(reply), "[\(impression("impDisplay", detail)),\(impression("impAccept", detail))]")
            let visitPath = "/api/account/acme/monitoring/visitors/\(reply.visitorId)/visits/current"
            _ = try await client.call(
                .post, "\(visitPath)/events?v=1&sid=\(reply.sessionId)", key: app.acmeAdmin,
                json:
                    "[\(convStatus("REQUESTED", extra: #","callId":"call-9""#)),\(convStatus("CONNECTED", extra: #","agentId":"agent-7""#)),\(convStatus("RINGING"))]"
            )
            app.clock.advance(by: 30)

            let response = try await client.call(.get, "\(visitPath)/state?v=1&sid=\(reply.sessionId)", key: app.acmeReader)
            #expect(response.status == .ok)
            let document = try response.decoded(JSONValue.self)
            let session = try #require(document["appSessions"]?.array?.first)
            #expect(session["id"]?.string == reply.sessionId && document["id"]?.string == reply.sessionId)
            #expect(session["searchEngine"]?["searchEngine"]?.string == "Google", "from the search engine referrer")
            #expect(session["externalReferrer"]?.string == "https://www.google.com/")
            #expect(session["customerInfo"]?["customerInfo"]?["customerType"]?.string == "vip")
            #expect(session["personalInfo"]?["personalInfo"]?["name"]?.string == "Ana")
            #expect(session["personalInfo"]?["personalInfo"]?["customerAge"]?["customerAgeInYears"]?.number == 41)
            #expect(session["cart"]?["cartStatus"]?["total"]?.number == 240)
            #expect(session["purchases"]?.array?.map { $0["repeatedOrderId"]?.bool } == [false, true])
            let page = try #require(session["pages"]?.array?.first)
            #expect(page["pageTitle"]?.string == "Sofa" && page["timeOnPage"]?.number == 30_000)
            let engagement = try #require(session["engagements"]?.array?.first)
            #expect(engagement["id"]?.string == "1")
            #expect(engagement["engagement"]?["engagementEntity"]?["id"]?.number == Double(detail.engagementId))
            #expect(engagement["impressionAccepted"]?.array?.count == 1)
            let status = try #require(session["conversationStatus"])
            #expect(status["status"]?.string == "CONNECTED" && status["agentId"]?.string == "agent-7", "the late RINGING did not win")
            #expect(status["callId"]?.string == "call-9", "the callId of the call's first report is kept")
            #expect(session["events"]?.array?.count == 8)

            let agent = try await client.call(.get, "\(visitPath)/state?v=1&sid=\(reply.sessionId)&filter=agent", key: app.acmeReader)
            let agentSession = try #require(try agent.decoded(JSONValue.self)["appSessions"]?.array?.first)
            #expect(agentSession["events"]?.array?.count == 8 && agentSession["customerInfo"] != nil, "LivePerson's agent example keeps the log")
        }
    }

    @Test func refusesWhatTheOtherBrandAPIsRefuse() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let path = visit.visitPath("state")
            #expect(try await client.call(.get, path).status == .unauthorized)
            let noScope = try await app.provisioning.createAPIKey(accountId: "acme", name: "events", scopes: [.eventsWrite])
            let missingScope = try await client.call(.get, path, key: noScope)
            #expect(missingScope.status == .unauthorized && missingScope.envelope?.internalCode == 10)
            let foreign = try await client.call(.get, visit.visitPath("state", account: "globex"), key: app.acmeReader)
            #expect(foreign.status == .notFound && foreign.envelope?.internalCode == 6)
            #expect(try await client.call(.get, visit.visitPath("state", account: "globex"), key: app.globexAdmin).envelope?.internalCode == 12)
            #expect(try await client.call(.get, visit.visitPath("state", vid: "x"), key: app.acmeReader).envelope?.internalCode == 37)
            #expect(try await client.call(.get, visit.visitPath("state", sid: "x"), key: app.acmeReader).envelope?.internalCode == 39)
            #expect(try await client.call(.get, path + "&filter=everything", key: app.acmeReader).status == .badRequest)
            app.clock.advance(by: 6 * 3600)
            let expired = try await client.call(.get, path, key: app.acmeReader)
            #expect(expired.status == .notFound && expired.envelope?.internalCode == 12)
        }
    }
}
