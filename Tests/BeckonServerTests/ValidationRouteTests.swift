import BeckonCore
import BeckonServer
import BeckonTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

struct ValidationReply: Decodable {
    var valid: Bool
    var reason: String?
    var clickedAt: Int64?
    var expiresAt: Int64?
    var validationsLeft: Int?
    var claims: [String: JSONValue]?
}

/// A visitor who saw and clicked the fixture's Click to Call engagement.
struct ClickedVisit {
    var reply: EngagementReply
    var detail: EngagementReply.Detail
    var clickThrough: ReportReply.ClickThrough

    static func make(
        _ client: some TestClientProtocol, _ fixture: MonitoringFixture, display: Bool = true, click: Bool = true
    ) async throws -> ClickedVisit {
        let reply = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
        let detail = try #require(reply.engagementDetails?.first)
        var events: [String] = []
        if display { events.append(impression("impDisplay", detail)) }
        if click { events.append(impression("impAccept", detail)) }
        let answer = try await client.report(fixture.reportPath(reply), "[\(events.joined(separator: ","))]").decoded(ReportReply.self)
        let through = answer.clickThrough ?? ReportReply.ClickThrough(url: "", token: "", expiresAt: 0)
        return ClickedVisit(reply: reply, detail: detail, clickThrough: through)
    }

    func validatePath(account: String = "acme", context: String? = nil, engagement: Int64? = nil, sid: String? = nil) -> String {
        "/api/account/\(account)/monitoring/visitors/\(reply.visitorId)/visits/current/campaigns/\(detail.campaignId)"
            + "/engagements/\(engagement ?? detail.engagementId)/contexts/\(context ?? detail.contextId)?v=1&sid=\(sid ?? reply.sessionId)"
    }
}

@Suite struct ValidationRouteTests {
    @Test func aClickedContextValidatesOnceAndAReplayIsRefused() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let first = try await client.call(.get, visit.validatePath(), key: app.acmeAdmin)
            #expect(first.status == .ok)
            let answer = try first.decoded(ValidationReply.self)
            #expect(answer.valid && answer.validationsLeft == 0 && answer.reason == nil)
            #expect(answer.clickedAt == app.clock.now().millisecondsSince1970)
            #expect(answer.expiresAt == visit.clickThrough.expiresAt)
            let replay = try await client.call(.get, visit.validatePath(), key: app.acmeAdmin)
            #expect(replay.status == .notFound)
            let refused = try replay.decoded(ValidationReply.self)
            #expect(!refused.valid && refused.reason == "the click was already validated")
            let validations = try await app.storage.journal.events(
                JournalQuery(accountId: AccountID(trusted: "acme"), from: .distantPast, to: .distantFuture)
            ).filter { $0.event.kind == .validation }
            #expect(validations.count == 1)
        }
    }

    @Test func onlyAContextClickedInThisVisitIsValid() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let unclicked = try await ClickedVisit.make(client, fixture, click: false)
            let notClicked = try await client.call(.get, unclicked.validatePath(), key: app.acmeAdmin)
            #expect(notClicked.status == .notFound)
            #expect(try notClicked.decoded(ValidationReply.self).reason == "the engagement was not clicked")
            // Apps report only the click (LivePerson's Validate Engagement needs nothing more).
            let undisplayed = try await ClickedVisit.make(client, fixture, display: false)
            #expect(try await client.call(.get, undisplayed.validatePath(), key: app.acmeAdmin).status == .ok)

            let visit = try await ClickedVisit.make(client, fixture)
            for path in [
                visit.validatePath(context: "2"), visit.validatePath(engagement: visit.detail.engagementId + 1),
                visit.validatePath(sid: VisitToken.random().description), visit.validatePath(sid: unclicked.reply.sessionId),
            ] {
                let response = try await client.call(.get, path, key: app.acmeAdmin)
                #expect(response.status == .notFound, "\(path)")
                #expect(try response.decoded(ValidationReply.self).valid == false)
            }
            // The click is still valid after all those refusals.
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status == .ok)
        }
    }

    @Test func aClickExpiresAfterItsValidity() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            app.clock.advance(by: 600)
            let expired = try await client.call(.get, visit.validatePath(), key: app.acmeAdmin)
            #expect(expired.status == .notFound)
            let answer = try expired.decoded(ValidationReply.self)
            #expect(answer.reason == "the click expired" && answer.validationsLeft == 1)
        }
    }

    @Test func validationNeedsTheScopeTheAccountAndTheVersion() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            #expect(try await client.call(.get, visit.validatePath()).status == .unauthorized)
            let reader = try await client.call(.get, visit.validatePath(), key: app.acmeReader)
            // LivePerson's codes: a key without the scope is 401/10, another account 422/6.
            #expect(reader.status == .unauthorized && reader.envelope?.internalCode == 10)
            let foreign = try await client.call(.get, visit.validatePath(account: "globex"), key: app.acmeAdmin)
            #expect(foreign.status == .unprocessableContent && foreign.envelope?.internalCode == 6)
            let otherTenant = try await client.call(.get, visit.validatePath(account: "globex"), key: app.globexAdmin)
            #expect(otherTenant.status == .notFound, "globex cannot validate acme's visit")
            let version = try await client.call(.get, visit.validatePath().replacingOccurrences(of: "v=1&", with: "v=3&"), key: app.acmeAdmin)
            #expect(version.status == .badRequest && version.envelope?.internalCode == 33)
            let noSession = String(visit.validatePath().prefix { $0 != "?" }) + "?v=1"
            let missingSession = try await client.call(.get, noSession, key: app.acmeAdmin)
            #expect(missingSession.envelope?.internalCode == 5 && missingSession.text.contains("invalid sid"), "\(missingSession.text)")
            let validator = try await app.provisioning.createAPIKey(accountId: "acme", name: "call page", scopes: [.engagementValidate])
            let valid = try await client.call(.get, visit.validatePath(), key: validator)
            #expect(valid.status == .ok && valid.headers[.cacheControl] == "no-store")
            let badId = try await client.call(
                .get, visit.validatePath().replacingOccurrences(of: "/campaigns/\(visit.detail.campaignId)/", with: "/campaigns/x1/"), key: validator)
            #expect(badId.status == .badRequest && badId.text.contains("campaignId"), "\(badId.text)")
        }
    }

    @Test func aSecondValidationIsAllowedWhenTheEngagementSaysSo() async throws {
        try await TestApp.with { app, client in
            var settings = CampaignFixtures.engagement(1, campaign: 1, entryPoint: EntryPoint(include: [.urlContains("/product/")])).settings
            settings.clickToCall?.maxValidations = 2
            let fixture = try await MonitoringFixture.make(app, engagement: settings)
            let visit = try await ClickedVisit.make(client, fixture)
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).decoded(ValidationReply.self).validationsLeft == 1)
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).decoded(ValidationReply.self).validationsLeft == 0)
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status == .notFound)
        }
    }

    @Test func clickingAgainAfterACallIsANewClickThroughWithItsOwnValidation() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status == .ok)
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status == .notFound)
            // The call was busy; the visitor clicks "Call me now" again.
            app.clock.advance(by: 30)
            let again = try await client.report(fixture.reportPath(visit.reply), "[\(impression("impAccept", visit.detail))]")
            let through = try #require(try again.decoded(ReportReply.self).clickThrough)
            #expect(through.token != visit.clickThrough.token)
            let validation = try await client.call(.get, visit.validatePath(), key: app.acmeAdmin)
            #expect(validation.status == .ok, "the new click has its own validation")
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status == .notFound)
        }
    }

    @Test func withMaxValidationsNullAClickValidatesAsOftenAsLivePersonAllows() async throws {
        try await TestApp.with { app, client in
            // Through the API as a brand sets it: null is kept (not read back as the default 1).
            let fixture = try await MonitoringFixture.make(app)
            let path = "/api/v1/accounts/acme/engagements/\(fixture.engagement.id)"
            let patched = try await client.call(
                .patch, path, key: app.acmeAdmin, json: #"{"clickToCall":{"brandPageUrl":"https://brand.example/call","maxValidations":null}}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.text.contains(#""maxValidations":null"#))
            let visit = try await ClickedVisit.make(client, fixture)
            for _ in 0..<5 {
                let answer = try await client.call(.get, visit.validatePath(), key: app.acmeAdmin)
                #expect(answer.status == .ok && answer.text.contains(#""validationsLeft":null"#))
            }
        }
    }

    @Test func theTokenVerifiesOnlineOnceAndTamperedOrForeignTokensAreRefused() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let token = visit.clickThrough.token
            let tampered = TamperedToken.flippingSignatureBit(token)
            let bad = try await client.call(
                .post, "/api/account/acme/clicktocall/tokens/verify", key: app.acmeAdmin, json: #"{"token":"\#(tampered)"}"#)
            #expect(bad.status == .notFound)
            #expect(try bad.decoded(ValidationReply.self).reason == "the token's signature does not verify")
            let foreign = try await client.call(
                .post, "/api/account/globex/clicktocall/tokens/verify", key: app.globexAdmin, json: #"{"token":"\#(token)"}"#)
            #expect(foreign.status == .notFound)
            #expect(try foreign.decoded(ValidationReply.self).reason == "the token is not signed with a key of this account")
            let garbage = try await client.call(
                .post, "/api/account/acme/clicktocall/tokens/verify", key: app.acmeAdmin, json: #"{"token":"not.a.token"}"#)
            #expect(try garbage.decoded(ValidationReply.self).reason == "the token is malformed")
            let malformed = try await client.call(.post, "/api/account/acme/clicktocall/tokens/verify", key: app.acmeAdmin, json: "{}")
            #expect(malformed.status == .badRequest && malformed.text.contains("token"))
            let unknown = try await client.call(
                .post, "/api/account/acme/clicktocall/tokens/verify", key: app.acmeAdmin, json: #"{"token":"x","jwt":"y"}"#)
            #expect(unknown.status == .badRequest && unknown.text.contains("invalid jwt: unknown field"))
            let form = try await client.execute(
                uri: "/api/account/acme/clicktocall/tokens/verify", method: .post,
                headers: [.authorization: "Bearer \(app.acmeAdmin.bearer)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=x"))
            #expect(form.status == .unsupportedMediaType && form.envelope?.internalCode != nil, "\(form.text)")

            let good = try await client.call(
                .post, "/api/account/acme/clicktocall/tokens/verify", key: app.acmeAdmin, json: #"{"token":"\#(token)"}"#)
            #expect(good.status == .ok)
            let answer = try good.decoded(ValidationReply.self)
            #expect(answer.valid && answer.claims?["contextId"] == .string(visit.detail.contextId))
            // It counted as the click's one validation.
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status == .notFound)
        }
    }
}
