import BeckonCore
import BeckonServer
import BeckonTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

extension ClickedVisit {
    func visitPath(_ endpoint: String, account: String = "acme", vid: String? = nil, sid: String? = nil) -> String {
        "/api/account/\(account)/monitoring/visitors/\(vid ?? reply.visitorId)/visits/current/\(endpoint)?v=1&sid=\(sid ?? reply.sessionId)"
    }
}

func convStatus(_ status: String, context: String = "1", extra: String = "") -> String {
    #"{"type":"convStatus","contextId":"\#(context)","status":"\#(status)"\#(extra)}"#
}

@Suite struct BrandEventRouteTests {
    @Test func theBrandReportsAttributesAndUnknownFieldsAreKept() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            var headers: HTTPFields = [.authorization: "Bearer \(app.acmeAdmin.bearer)", .contentType: "application/json"]
            headers[.init("X-HTTP-Method-Override")!] = "PUT"
            let body =
                #"[{"type":"lead","lead":{"topic":"home insurance","value":120,"leadId":"L-7"},"crmCase":"C-99"},\#(convStatus("REQUESTED", extra: #","callId":"k-1""#))]"#
            let response = try await client.execute(
                uri: visit.visitPath("events"), method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            #expect(response.text == "{}")
            let brand = try await app.storage.journal.events(
                JournalQuery(accountId: AccountID(trusted: "acme"), from: .distantPast, to: .distantFuture)
            ).filter { $0.event.kind == .attribute && $0.event.payload.contains(#""source":"brand""#) }
            #expect(brand.count == 2)
            #expect(brand[0].event.payload.contains(#""crmCase":"C-99""#))
        }
    }

    @Test func badAttributesAreRefusedNamingTheField() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let path = visit.visitPath("events")
            for (body, field) in [
                ("[\(convStatus("DIALLING"))]", "[0].status"), ("[\(convStatus("RINGING", context: "7"))]", "[0].contextId"),
                (#"[{"type":"cart","total":"many","numItems":1}]"#, "[0].cart.total"), (#"[{"total":1}]"#, "[0].type"),
                ("{}", "body"), ("[]", "body"), ("[1]", "[0]"), ("not json", "body"),
            ] {
                let response = try await client.call(.post, path, key: app.acmeAdmin, json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.envelope?.internalCode == 5)
                #expect(response.envelope?.message.contains(field) == true, "\(body): \(response.envelope?.message ?? "")")
            }
            let huge = "[" + Array(repeating: #"{"type":"searchInfo","keywords":["x"]}"#, count: 200).joined(separator: ",") + "]"
            #expect(try await client.call(.post, path, key: app.acmeAdmin, json: huge).status == .contentTooLarge)
        }
    }

    @Test func theFirstCallStatusFixesTheSixHourWindow() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let events = visit.visitPath("events")
            #expect(try await client.call(.post, events, key: app.acmeAdmin, json: "[\(convStatus("RINGING"))]").status == .ok)
            app.clock.advance(by: 5 * 3600 + 3599)
            #expect(try await client.call(.post, events, key: app.acmeAdmin, json: "[\(convStatus("COMPLETED"))]").status == .ok)
            app.clock.advance(by: 1)
            let late = try await client.call(.post, events, key: app.acmeAdmin, json: "[\(convStatus("COMPLETED"))]")
            #expect(late.status == .notFound && late.envelope?.internalCode == 12)
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status == .notFound)
            // Report data stays.
            let stored = try await app.storage.journal.events(
                accountId: AccountID(trusted: "acme"), visitorId: visit.reply.visitorId, since: .distantPast, limit: 100)
            #expect(stored.filter { $0.event.kind == .attribute }.count == 2)
        }
    }

    @Test func closingFixesTheWindowToo() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let closed = try await client.call(.post, visit.visitPath("close"), key: app.acmeAdmin)
            #expect(closed.status == .ok && closed.text == "{}")
            app.clock.advance(by: 3 * 3600)
            // The visitor comes back to the page: the window stays where the close put it.
            _ = try await client.pageView(fixture.engagementPath + "&vid=\(visit.reply.visitorId)&sid=\(visit.reply.sessionId)")
            app.clock.advance(by: 3 * 3600)
            let after = try await client.call(
                .post, visit.visitPath("events"), key: app.acmeAdmin, json: #"[{"type":"searchInfo","keywords":["x"]}]"#)
            #expect(after.status == .notFound && after.envelope?.internalCode == 12)
        }
    }

    @Test func wrongVisitorsVisitsKeysAndAccountsAreRefused() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let body = #"[{"type":"searchInfo","keywords":["x"]}]"#
            let badVisitor = try await client.call(.post, visit.visitPath("events", vid: "nope"), key: app.acmeAdmin, json: body)
            #expect(badVisitor.status == .notFound && badVisitor.envelope?.internalCode == 37)
            let badVisit = try await client.call(.post, visit.visitPath("events", sid: "nope"), key: app.acmeAdmin, json: body)
            #expect(badVisit.status == .notFound && badVisit.envelope?.internalCode == 39)
            let unknownVisit = try await client.call(
                .post, visit.visitPath("events", sid: VisitToken.random().description), key: app.acmeAdmin, json: body)
            #expect(unknownVisit.status == .notFound && unknownVisit.envelope?.internalCode == 12)
            // LivePerson's codes on its paths: no scope is 401/10, another account 422/6.
            let reader = try await client.call(.post, visit.visitPath("events"), key: app.acmeReader, json: body)
            #expect(reader.status == .unauthorized && reader.envelope?.internalCode == 10)
            let foreign = try await client.call(.post, visit.visitPath("events", account: "globex"), key: app.acmeAdmin, json: body)
            #expect(foreign.status == .unprocessableContent && foreign.envelope?.internalCode == 6)
            let otherTenant = try await client.call(.post, visit.visitPath("events", account: "globex"), key: app.globexAdmin, json: body)
            #expect(otherTenant.status == .notFound && otherTenant.envelope?.internalCode == 12)
            #expect(try await client.call(.post, visit.visitPath("close", account: "globex"), key: app.globexAdmin).status == .notFound)
            // Closing answers with the same codes.
            #expect(try await client.call(.post, visit.visitPath("close"), key: app.acmeReader).envelope?.internalCode == 10)
            let foreignClose = try await client.call(.post, visit.visitPath("close", account: "globex"), key: app.acmeAdmin)
            #expect(foreignClose.status == .unprocessableContent && foreignClose.envelope?.internalCode == 6)
            let version = visit.visitPath("close").replacingOccurrences(of: "v=1&", with: "v=3&")
            #expect(try await client.call(.post, version, key: app.acmeAdmin).envelope?.internalCode == 33)
            let noSession = String(visit.visitPath("close").prefix { $0 != "?" }) + "?v=1"
            let missing = try await client.call(.post, noSession, key: app.acmeAdmin)
            #expect(missing.status == .badRequest && missing.text.contains("sid"), "\(missing.text)")
            #expect(try await client.call(.post, visit.visitPath("events"), json: body).status == .unauthorized)
        }
    }
}
