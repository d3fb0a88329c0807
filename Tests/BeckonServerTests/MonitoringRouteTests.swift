import BeckonCore
import BeckonServer
import BeckonTesting
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// What the engagement call answers, as a tag decodes it.
struct EngagementReply: Decodable {
    struct Detail: Decodable {
        var campaignId: Int64
        var engagementId: Int64
        var engagementRevision: Int
        var contextId: String
        var status: String
        var type: String
        var placement: String
        var content: [String: String]
        var openMode: String
        var timeoutSeconds: Int
    }

    struct Trace: Decodable {
        var campaignId: Int64
        var engagementId: Int64
        var outcome: String
        var reason: String
    }

    var visitorId: String
    var sessionId: String
    var pageId: String
    var engagementDetails: [Detail]?
    var retryAfterMs: Int64?
    var decisions: [Trace]?
}

struct ReportReply: Decodable {
    struct ClickThrough: Decodable {
        var url: String
        var token: String
        var expiresAt: Int64
    }

    var visitorId: String
    var sessionId: String
    var pageId: String?
    var clickThrough: ClickThrough?
}

/// A brand site of `acme` with one live Click to Call campaign.
struct MonitoringFixture {
    var site: Site
    var debugKey: String
    var campaign: Campaign
    var engagement: Engagement
    static let origin = "https://www.acme.example"

    static func make(_ app: TestApp, account: String = "acme", engagement: EngagementSettings? = nil) async throws -> MonitoringFixture {
        let (site, debugKey) = try await app.provisioning.createSite(accountId: account, name: "Shop", origins: [origin])
        let campaign = try await app.storage.campaigns.createCampaign(
            accountId: AccountID(trusted: account), settings: CampaignSettings(name: "Callback", status: .live, priority: 1),
            at: app.clock.now())
        let settings =
            engagement
            ?? CampaignFixtures.engagement(1, campaign: campaign.id, entryPoint: EntryPoint(include: [.urlContains("/product/")]))
            .settings
        let created = try await app.storage.campaigns.createEngagement(
            accountId: AccountID(trusted: account), campaignId: campaign.id, settings: settings, at: app.clock.now())
        return MonitoringFixture(site: site, debugKey: debugKey, campaign: campaign, engagement: created)
    }

    var engagementPath: String { "/api/account/\(site.accountId.rawValue)/app/\(site.id)/engagement?v=1.0" }

    func reportPath(_ reply: EngagementReply) -> String {
        "/api/account/\(site.accountId.rawValue)/app/\(site.id)/report?v=1.0&vid=\(reply.visitorId)&sid=\(reply.sessionId)"
    }
}

extension TestClientProtocol {
    func pageView(
        _ path: String, url: String = "https://www.acme.example/product/42", extra: String = "", headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await execute(
            uri: path, method: .post, headers: headers,
            body: ByteBuffer(string: #"{"entryPoints":["\#(url)","sec://shop","lang://en-US"]\#(extra)}"#))
    }

    func report(
        _ path: String, _ events: String, method: HTTPRequest.Method = .put, headers: HTTPFields = [:]
    ) async throws
        -> TestResponse
    {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await execute(
            uri: path, method: method, headers: headers, body: ByteBuffer(string: #"{"engagementAttributes":\#(events)}"#))
    }
}

func impression(_ type: String, _ detail: EngagementReply.Detail, context: String? = nil) -> String {
    #"{"type":"\#(type)","campaign":\#(detail.campaignId),"engId":\#(detail.engagementId),"revision":\#(detail.engagementRevision),"eContext":[{"type":"engagementContext","id":"\#(context ?? detail.contextId)"}]}"#
}

struct PublishedKeySet: Decodable {
    struct Key: Decodable {
        var kty: String
        var crv: String
        var kid: String
        var x: String
    }
    var keys: [Key]
}

@Suite struct MonitoringRouteTests {
    @Test func firstPageViewCreatesVisitorAndVisitLaterOnesReuseThem() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let first = try await client.pageView(fixture.engagementPath)
            #expect(first.status == .created)
            let reply = try first.decoded(EngagementReply.self)
            #expect(reply.visitorId.count == 22 && reply.sessionId.count == 22)
            #expect(reply.pageId == "1")
            let again = try await client.pageView(
                fixture.engagementPath + "&vid=\(reply.visitorId)&sid=\(reply.sessionId)", url: "https://www.acme.example/cart")
            #expect(again.status == .ok)
            let second = try again.decoded(EngagementReply.self)
            #expect(second.visitorId == reply.visitorId && second.sessionId == reply.sessionId && second.pageId == "2")

            // 30 minutes without activity end the visit: same visitor, new visit.
            app.clock.advance(by: 30 * 60)
            let later = try await client.pageView(fixture.engagementPath + "&vid=\(reply.visitorId)&sid=\(reply.sessionId)")
            #expect(later.status == .created)
            let third = try later.decoded(EngagementReply.self)
            #expect(third.visitorId == reply.visitorId && third.sessionId != reply.sessionId && third.pageId == "1")

            // A made-up session id is not reused either.
            let forged = try await client.pageView(fixture.engagementPath + "&vid=\(reply.visitorId)&sid=AAAAAAAAAAAAAAAAAAAAAA")
            #expect(forged.status == .created)
        }
    }

    @Test func offersTheEngagementAndRecordsEveryEventBeforeAnswering() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let reply = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            let detail = try #require(reply.engagementDetails?.first)
            #expect(detail.campaignId == fixture.campaign.id && detail.engagementId == fixture.engagement.id)
            #expect(detail.contextId == "1" && detail.status == "expose" && detail.type == "clickToCall")
            #expect(detail.placement == "toaster" && detail.openMode == "popup")
            #expect(detail.content["html"]?.contains("data-beckon-click") == true)
            // Not on a page outside the entry point.
            let home = try await client.pageView(
                fixture.engagementPath + "&vid=\(reply.visitorId)&sid=\(reply.sessionId)", url: "https://www.acme.example/")
            #expect(try home.decoded(EngagementReply.self).engagementDetails == nil)

            let display = try await client.report(fixture.reportPath(reply), "[\(impression("impDisplay", detail))]")
            #expect(display.status == .ok)
            let answer = try display.decoded(ReportReply.self)
            #expect(answer.visitorId == reply.visitorId && answer.clickThrough == nil)

            let kinds = try await app.storage.journal.events(
                JournalQuery(accountId: AccountID(trusted: "acme"), from: .distantPast, to: .distantFuture)
            ).map(\.event.kind.rawValue)
            #expect(kinds == ["pageView", "decision", "pageView", "impression"])
        }
    }

    @Test func impressionsForContextsNotIssuedInTheVisitAreRefused() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let reply = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            let detail = try #require(reply.engagementDetails?.first)
            let unknown = try await client.report(fixture.reportPath(reply), "[\(impression("impDisplay", detail, context: "9"))]")
            #expect(unknown.status == .badRequest)
            #expect(unknown.envelope?.internalCode == 5)
            #expect(unknown.envelope?.message.contains("engagementAttributes[0].eContext") == true)
            var other = detail
            other.engagementId += 100
            let wrongEngagement = try await client.report(fixture.reportPath(reply), "[\(impression("impClose", other))]")
            #expect(wrongEngagement.envelope?.internalCode == 5)
            // Another visit's context 1 is not this visit's.
            let stranger = try await client.pageView(fixture.engagementPath, url: "https://www.acme.example/").decoded(EngagementReply.self)
            let foreign = try await client.report(fixture.reportPath(stranger), "[\(impression("impDisplay", detail))]")
            #expect(foreign.status == .badRequest)
            // A refused report changed nothing.
            let impressions = try await app.storage.journal.events(
                JournalQuery(accountId: AccountID(trusted: "acme"), from: .distantPast, to: .distantFuture)
            ).filter { $0.event.kind == .impression }
            #expect(impressions.isEmpty)
        }
    }

    @Test func aClickAnswersTheBrandPageWithATokenThatVerifiesWithThePublishedKey() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let reply = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            let detail = try #require(reply.engagementDetails?.first)
            let clicked = try await client.report(
                fixture.reportPath(reply), "[\(impression("impDisplay", detail)),\(impression("impAccept", detail))]")
            #expect(clicked.status == .ok)
            let through = try #require(try clicked.decoded(ReportReply.self).clickThrough)
            #expect(through.expiresAt == app.clock.now().addingTimeInterval(600).millisecondsSince1970)
            let url = try #require(URLComponents(string: through.url))
            #expect(url.host == "brand.example" && url.path == "/call")
            let query = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(query["src"] == "beckon", "the brand's own query stays")
            #expect(query["accountId"] == "acme" && query["visitorId"] == reply.visitorId && query["sessionId"] == reply.sessionId)
            #expect(query["campaignId"] == "\(detail.campaignId)" && query["engagementId"] == "\(detail.engagementId)")
            #expect(query["engagementRevision"] == "1" && query["contextId"] == "1" && query["token"] == through.token)

            let keys = try await Self.publishedKeys(client, account: "acme")
            let token = try ClickToken.verify(through.token, publicKeys: keys, accountId: AccountID(trusted: "acme"), now: app.clock.now())
            #expect(token.claims.contextId == "1" && token.claims.visitorId == reply.visitorId)
            // Tampered, expired, and verified as another account: refused.
            let tampered = TamperedToken.flippingSignatureBit(through.token)
            #expect(throws: ClickToken.Failure.badSignature) {
                try ClickToken.verify(tampered, publicKeys: keys, accountId: AccountID(trusted: "acme"), now: app.clock.now())
            }
            #expect(throws: ClickToken.Failure.expired) {
                try ClickToken.verify(
                    through.token, publicKeys: keys, accountId: AccountID(trusted: "acme"), now: app.clock.now().addingTimeInterval(601))
            }
            let globexKeys = try await Self.publishedKeys(client, account: "globex")
            #expect(throws: ClickToken.Failure.unknownKey) {
                try ClickToken.verify(through.token, publicKeys: globexKeys, accountId: AccountID(trusted: "globex"), now: app.clock.now())
            }
            #expect(throws: ClickToken.Failure.otherAccount) {
                try ClickToken.verify(through.token, publicKeys: keys, accountId: AccountID(trusted: "globex"), now: app.clock.now())
            }
            let clicks = try await app.storage.journal.events(
                JournalQuery(accountId: AccountID(trusted: "acme"), from: .distantPast, to: .distantFuture)
            ).filter { $0.event.kind == .click }
            #expect(clicks.count == 1)
        }
    }

    static func publishedKeys(
        _ client: some TestClientProtocol, account: String
    ) async throws
        -> [String: Curve25519.Signing.PublicKey]
    {
        let response = try await client.execute(uri: "/api/account/\(account)/clicktocall/keys", method: .get)
        #expect(response.status == .ok)
        var result: [String: Curve25519.Signing.PublicKey] = [:]
        for key in try response.decoded(PublishedKeySet.self).keys {
            #expect(key.kty == "OKP" && key.crv == "Ed25519")
            result[key.kid] = try Curve25519.Signing.PublicKey(rawRepresentation: Base64URL.decode(key.x)!)
        }
        return result
    }

    @Test func badRequestsAreAnsweredWithLivePersonCodes() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let base = "/api/account/acme/app/\(fixture.site.id)"
            let unknownAccount = try await client.pageView("/api/account/nobody/app/\(fixture.site.id)/engagement?v=1.0")
            #expect(unknownAccount.status == .notFound && unknownAccount.envelope?.internalCode == 6)
            let unknownSite = try await client.pageView("/api/account/acme/app/s_nope/engagement?v=1.0")
            #expect(unknownSite.status == .notFound && unknownSite.envelope?.internalCode == 18)
            let otherAccountsSite = try await client.pageView("/api/account/globex/app/\(fixture.site.id)/engagement?v=1.0")
            #expect(otherAccountsSite.status == .notFound)
            let version = try await client.pageView("\(base)/engagement?v=2.0")
            #expect(version.status == .badRequest && version.envelope?.internalCode == 33)
            let malformed = try await client.call(.post, "\(base)/engagement?v=1.0", json: "{not json")
            #expect(malformed.status == .badRequest && malformed.envelope?.internalCode == 5)
            // LivePerson's entryPoints are optional, and one malformed SDE does not sink the page
            // view (LivePersonMonitoringTests has the details).
            let noURL = try await client.call(.post, "\(base)/engagement?v=1.0", json: #"{"entryPoints":["sec://x"]}"#)
            #expect(noURL.status == .created)
            let wrongType = try await client.pageView(
                "\(base)/engagement?v=1.0", extra: #","engagementAttributes":[{"type":"cart","total":"lots","numItems":1}]"#)
            #expect(wrongType.status == .created && wrongType.text.contains("engagementAttributes[0].cart.total"))
            let notAList = try await client.pageView("\(base)/engagement?v=1.0", extra: #","engagementAttributes":{"type":"cart"}"#)
            #expect(notAList.status == .badRequest, "a malformed body is still 400")
            let huge = try await client.pageView(
                "\(base)/engagement?v=1.0", extra: #","page":{"title":"\#(String(repeating: "x", count: 5000))"}"#)
            #expect(huge.status == .contentTooLarge)

            let reply = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            // Without vid a report starts a visitor (LivePersonMonitoringTests).
            let noVisitor = try await client.report("\(base)/report?v=1.0&sid=\(reply.sessionId)", "[]")
            #expect(noVisitor.status == .created)
            let unknownVisitor = try await client.report(
                "\(base)/report?v=1.0&vid=\(VisitToken.random())&sid=\(reply.sessionId)", "[]")
            #expect(unknownVisitor.status == .notFound && unknownVisitor.envelope?.internalCode == 37)
            let unknownVisit = try await client.report("\(base)/report?v=1.0&vid=\(reply.visitorId)&sid=\(VisitToken.random())", "[]")
            #expect(unknownVisit.status == .notFound && unknownVisit.envelope?.internalCode == 39)
            let garbage = try await client.report("\(base)/report?v=1.0&vid=x&sid=y", "[]")
            #expect(garbage.envelope?.internalCode == 37)
        }
    }

    @Test func sdesAreKeptWholeAndUnknownFieldsSurvive() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let sde = #"{"type":"cart","total":120.5,"numItems":2,"loyaltyTier":"gold","products":[{"product":{"name":"TV"}}]}"#
            let reply = try await client.pageView(fixture.engagementPath, extra: #","engagementAttributes":[\#(sde)]"#)
            #expect(reply.status == .created)
            let stored = try await app.storage.journal.events(
                JournalQuery(accountId: AccountID(trusted: "acme"), from: .distantPast, to: .distantFuture)
            ).first { $0.event.kind == .attribute }
            let payload = try #require(stored?.event.payload)
            #expect(payload.contains(#""loyaltyTier":"gold""#))
        }
    }

    @Test func browsersAreLimitedToTheSitesOrigins() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let allowed = try await client.pageView(fixture.engagementPath, headers: [.origin: MonitoringFixture.origin])
            #expect(allowed.status == .created)
            #expect(allowed.headers[.accessControlAllowOrigin] == MonitoringFixture.origin)
            let foreign = try await client.pageView(fixture.engagementPath, headers: [.origin: "https://evil.example"])
            #expect(foreign.status == .forbidden)
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
            let preflight = try await client.execute(
                uri: fixture.engagementPath, method: .options,
                headers: [.origin: MonitoringFixture.origin, .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("PUT") == true)
            #expect(preflight.headers[.accessControlAllowOrigin] == MonitoringFixture.origin)
        }
    }

    @Test func theDebugTraceNeedsTheSitesDebugKey() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let denied = try await client.pageView(fixture.engagementPath + "&debug=1", headers: [.init("X-Beckon-Debug-Key")!: "dbg_wrong"])
            #expect(denied.status == .forbidden)
            let traced = try await client.pageView(
                fixture.engagementPath + "&debug=1", url: "https://www.acme.example/",
                headers: [.init("X-Beckon-Debug-Key")!: fixture.debugKey])
            let decisions = try #require(try traced.decoded(EngagementReply.self).decisions)
            #expect(decisions.map(\.outcome) == ["notTargeted"])
            #expect(decisions.first?.reason.contains("entry point") == true)
            let plain = try await client.pageView(fixture.engagementPath)
            #expect(try plain.decoded(EngagementReply.self).decisions == nil)
        }
    }

    @Test func aVisitorOfOneAccountIsUnknownToAnother() async throws {
        try await TestApp.with { app, client in
            let acme = try await MonitoringFixture.make(app)
            let globex = try await MonitoringFixture.make(app, account: "globex")
            let reply = try await client.pageView(acme.engagementPath).decoded(EngagementReply.self)
            let detail = try #require(reply.engagementDetails?.first)
            let cross = try await client.report(
                "/api/account/globex/app/\(globex.site.id)/report?v=1.0&vid=\(reply.visitorId)&sid=\(reply.sessionId)",
                "[\(impression("impAccept", detail))]")
            #expect(cross.status == .notFound && cross.envelope?.internalCode == 37)
        }
    }

    @Test func postWithMethodOverrideIsAReport() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let reply = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            let detail = try #require(reply.engagementDetails?.first)
            let override = try await client.report(
                fixture.reportPath(reply), "[\(impression("impDisplay", detail))]", method: .post,
                headers: [.init("X-HTTP-Method-Override")!: "PUT"])
            #expect(override.status == .ok)
            let beacon = try await client.report(fixture.reportPath(reply), "[\(impression("impClose", detail))]", method: .post)
            #expect(beacon.status == .ok)
            let wrong = try await client.report(
                fixture.reportPath(reply), "[]", method: .post, headers: [.init("X-HTTP-Method-Override")!: "DELETE"])
            #expect(wrong.status == .badRequest)
        }
    }

    @Test func campaignChangesThroughTheAPIReachTheNextPageView() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let first = try await client.pageView(fixture.engagementPath, url: "https://www.acme.example/sale")
            #expect(try first.decoded(EngagementReply.self).engagementDetails == nil)
            let campaign = try await client.call(
                .post, "/api/v1/accounts/acme/campaigns", key: app.acmeAdmin, json: #"{"name":"Sale","status":"live"}"#
            ).decoded(CampaignRouteTests.CampaignBody.self)
            let engagement = #"""
                {"name":"Sale banner","type":"content","proactive":true,"placement":"sticky","creative":{"html":"<b>Sale</b>"},
                 "entryPoint":{"include":[{"urlContains":"/sale"}]}}
                """#
            let created = try await client.call(
                .post, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements", key: app.acmeAdmin, json: engagement)
            #expect(created.status == .created, "\(created.text)")
            let second = try await client.pageView(fixture.engagementPath, url: "https://www.acme.example/sale")
            #expect(try second.decoded(EngagementReply.self).engagementDetails?.first?.campaignId == campaign.id)
            _ = try await client.call(
                .patch, "/api/v1/accounts/acme/campaigns/\(campaign.id)", key: app.acmeAdmin, json: #"{"status":"paused"}"#)
            let third = try await client.pageView(fixture.engagementPath, url: "https://www.acme.example/sale")
            #expect(try third.decoded(EngagementReply.self).engagementDetails == nil)
        }
    }

    @Test func timeOnPageIsAnsweredWithRetryAfter() async throws {
        try await TestApp.with { app, client in
            let settings = CampaignFixtures.engagement(
                1, campaign: 1, behaviour: Behaviour(all: [.timeOnPageSeconds(15)])
            ).settings
            let fixture = try await MonitoringFixture.make(app, engagement: settings)
            let reply = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            #expect(reply.retryAfterMs == 15_000 && reply.engagementDetails == nil)
            app.clock.advance(by: 15)
            let again = try await client.pageView(
                fixture.engagementPath + "&vid=\(reply.visitorId)&sid=\(reply.sessionId)", extra: #","pageId":"1""#)
            let retried = try again.decoded(EngagementReply.self)
            #expect(retried.pageId == "1" && retried.retryAfterMs == nil)
            #expect(retried.engagementDetails?.count == 1)
        }
    }
}
