import BeckonCore
import BeckonServer
import BeckonTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

struct RefusedReport: Decodable {
    var clickThrough: ReportReply.ClickThrough?
    var clickRefused: String?
    var retryAfterSeconds: Int?
}

struct DialReply: Decodable {
    var allowed: Bool
    var authorizationId: String?
    var country: String?
    var reason: String?
    var retryAfterSeconds: Int?
}

struct BlockReply: Decodable {
    var id: String
    var kind: String
    var visitorId: String?
    var reason: String
    var until: Int64?
    var liftedBy: String?
}

struct BlockListReply: Decodable {
    var items: [BlockReply]
}

extension TestClientProtocol {
    func dial(_ app: TestApp, _ visit: ClickedVisit, _ number: String, key: IssuedAPIKey? = nil) async throws -> TestResponse {
        try await call(
            .post, "/api/account/acme/clicktocall/dial-authorizations", key: key ?? app.acmeAdmin,
            json:
                #"{"visitorId":"\#(visit.reply.visitorId)","sessionId":"\#(visit.reply.sessionId)","contextId":"\#(visit.detail.contextId)","phoneNumber":"\#(number)"}"#
        )
    }
}

@Suite struct AbuseRouteTests {
    @Test func theEighthClickIn15MinutesGetsNoClickThroughAndClickToCallIsHidden() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            // A content engagement beside it, in another placement: it keeps being shown.
            _ = try await app.storage.campaigns.createEngagement(
                accountId: AccountID(trusted: "acme"), campaignId: fixture.campaign.id,
                settings: CampaignFixtures.engagement(
                    2, campaign: fixture.campaign.id, type: .content, proactive: false, placement: .embedded,
                    entryPoint: EntryPoint(include: [.urlContains("/product/")])
                ).settings, at: app.clock.now())
            let visit = try await ClickedVisit.make(client, fixture)
            #expect(!visit.clickThrough.token.isEmpty)
            let accept = impression("impAccept", visit.detail)
            for click in 2...7 {
                let answer = try await client.report(fixture.reportPath(visit.reply), "[\(accept)]").decoded(RefusedReport.self)
                #expect(answer.clickThrough != nil && answer.clickRefused == nil, "click \(click)")
                app.clock.advance(by: 10)
            }
            let eighth = try await client.report(fixture.reportPath(visit.reply), "[\(accept)]").decoded(RefusedReport.self)
            #expect(eighth.clickThrough == nil && eighth.clickRefused == "rateLimited")
            #expect((eighth.retryAfterSeconds ?? 0) > 800 && (eighth.retryAfterSeconds ?? 0) <= 900)

            // A new visit of the same visitor is still limited: Click to Call not shown, the content is.
            let next = try await client.pageView(
                fixture.engagementPath + "&vid=\(visit.reply.visitorId)&debug=1", headers: [.init("X-Beckon-Debug-Key")!: fixture.debugKey]
            )
            .decoded(EngagementReply.self)
            #expect(next.sessionId != visit.reply.sessionId)
            #expect(next.engagementDetails?.map(\.type) == ["content"])
            #expect(next.decisions?.first { $0.engagementId == fixture.engagement.id }?.outcome == "abuseBlocked")

            // Once the window allows (8 clicks in the hour, 9 allowed), Click to Call is offered again.
            app.clock.advance(by: 15 * 60)
            let later = try await client.pageView(fixture.engagementPath + "&vid=\(visit.reply.visitorId)").decoded(EngagementReply.self)
            #expect(later.engagementDetails?.contains { $0.type == "clickToCall" } == true)

            // The refused click is journaled and counted in the abuse report and in notShown.
            let report = try await client.call(.get, "/api/v1/accounts/acme/reports/abuse", key: app.acmeAdmin)
            #expect(report.status == .ok)
            #expect(report.text.contains(#""clicksRefused":{"rateLimited":1}"#))
            let funnel = try await client.call(.get, "/api/v1/accounts/acme/reports/funnel", key: app.acmeAdmin)
            #expect(funnel.text.contains(#""abuseBlocked":1"#))
        }
    }

    @Test func dialAuthorizationChecksTheClickAndBlocksAVisitorUsingThreeNumbers() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let notClicked = try await ClickedVisit.make(client, fixture, click: false)
            let refused = try await client.dial(app, notClicked, "+14155550100")
            #expect(refused.status == .forbidden)
            #expect(try refused.decoded(DialReply.self).reason == "notClicked")

            let visit = try await ClickedVisit.make(client, fixture)
            let first = try await client.dial(app, visit, "+1 (415) 555-0101")
            #expect(first.status == .ok)
            let allowed = try first.decoded(DialReply.self)
            #expect(allowed.allowed && allowed.country == "US" && allowed.authorizationId?.hasPrefix("da_") == true)
            #expect(!first.text.contains("5550101"), "the number is never answered back")
            // The same form sent twice: the same authorization.
            #expect(try await client.dial(app, visit, "+14155550101").decoded(DialReply.self).authorizationId == allowed.authorizationId)
            #expect(try await client.dial(app, visit, "+14155550102").status == .ok)
            let third = try await client.dial(app, visit, "+14155550103")
            #expect(third.status == .forbidden && third.headers[.retryAfter] == "86400")
            #expect(try third.decoded(DialReply.self).reason == "visitorBlocked")

            // Listed with reason and expiry; the visitor is no longer offered Click to Call.
            let blocks = try await client.call(.get, "/api/v1/accounts/acme/abuse/blocks", key: app.acmeAdmin).decoded(BlockListReply.self)
            let block = try #require(blocks.items.first)
            #expect(blocks.items.count == 1 && block.kind == "visitor" && block.visitorId == visit.reply.visitorId)
            #expect(block.reason == "distinctNumbers" && block.until == app.clock.now().millisecondsSince1970 + 86_400_000)
            let hidden = try await client.pageView(fixture.engagementPath + "&vid=\(visit.reply.visitorId)").decoded(EngagementReply.self)
            #expect(hidden.engagementDetails == nil)

            // Another account can neither see nor lift it; a reader may list but not lift.
            #expect(
                try await client.call(.get, "/api/v1/accounts/globex/abuse/blocks", key: app.globexAdmin).decoded(BlockListReply.self).items.isEmpty)
            #expect(try await client.call(.delete, "/api/v1/accounts/globex/abuse/blocks/\(block.id)", key: app.globexAdmin).status == .notFound)
            #expect(try await client.call(.delete, "/api/v1/accounts/acme/abuse/blocks/\(block.id)", key: app.acmeReader).status == .forbidden)

            // Lifted: journaled with who lifted it, and the visitor may call again.
            let lifted = try await client.call(.delete, "/api/v1/accounts/acme/abuse/blocks/\(block.id)", key: app.acmeAdmin)
            #expect(lifted.status == .ok)
            #expect(try lifted.decoded(BlockReply.self).liftedBy == app.acmeAdmin.id)
            let again = try await ClickedVisit.make(client, fixture)
            #expect(try await client.dial(app, again, "+14155550104").status == .ok)
            let journal = try await app.storage.journal.events(
                JournalQuery(accountId: AccountID(trusted: "acme"), from: .distantPast, to: .distantFuture, kinds: [.abuse]))
            #expect(journal.contains { $0.event.payload.contains(#""action":"blockLifted""#) })
            // Lifted blocks are listed with all=true; anything but a boolean is refused.
            let history = try await client.call(.get, "/api/v1/accounts/acme/abuse/blocks?all=true", key: app.acmeAdmin)
            #expect(try history.decoded(BlockListReply.self).items.map(\.id) == [block.id])
            let badAll = try await client.call(.get, "/api/v1/accounts/acme/abuse/blocks?all=yes", key: app.acmeAdmin)
            #expect(badAll.status == .badRequest && badAll.text.contains("invalid all: unknown value 'yes'"))
            #expect(!journal.contains { $0.event.payload.contains("415555") }, "no number in the journal")
        }
    }

    @Test func aVictimNumberIsProtectedAndEachAccountRuleRefusesWithItsReason() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            for _ in 1...3 {
                #expect(try await client.dial(app, try await ClickedVisit.make(client, fixture), "+14155550199").status == .ok)
            }
            let fourth = try await client.dial(app, try await ClickedVisit.make(client, fixture), "+14155550199")
            #expect(try fourth.decoded(DialReply.self).reason == "numberVelocity" && fourth.headers[.retryAfter] == "21600")

            let blocked = try await client.call(
                .post, "/api/v1/accounts/acme/abuse/blocked-numbers", key: app.acmeAdmin, json: #"{"phoneNumber":"+14155550177"}"#)
            #expect(blocked.status == .created && !blocked.text.contains("5550177"))
            #expect(
                try await client.call(
                    .post, "/api/v1/accounts/acme/abuse/blocked-numbers", key: app.acmeAdmin, json: #"{"phoneNumber":"+14155550177"}"#
                ).status == .conflict)
            #expect(
                try await client.dial(app, try await ClickedVisit.make(client, fixture), "+14155550177").decoded(DialReply.self).reason
                    == "numberBlocked")

            let patch = try await client.call(
                .patch, "/api/v1/accounts/acme/settings", key: app.acmeAdmin,
                json: #"{"abuse":{"allowedCountries":["US","CA"],"dailyCallBudget":4}}"#)
            #expect(patch.status == .ok)
            #expect(
                try await client.dial(app, try await ClickedVisit.make(client, fixture), "+442071838750").decoded(DialReply.self).reason
                    == "countryNotAllowed")
            #expect(
                try await client.dial(app, try await ClickedVisit.make(client, fixture), "+19005550123").decoded(DialReply.self).reason
                    == "premiumPrefix")
            #expect(try await client.dial(app, try await ClickedVisit.make(client, fixture), "+16045550123").decoded(DialReply.self).country == "CA")
            let budget = try await client.dial(app, try await ClickedVisit.make(client, fixture), "+14155550150")
            #expect(try budget.decoded(DialReply.self).reason == "accountCallBudget")

            // Bad input names the field, and never echoes the number.
            let visit = try await ClickedVisit.make(client, fixture)
            for bad in ["12345", "+1 415 abc", "+999123456789", "+1415555"] {
                let answer = try await client.dial(app, visit, bad)
                #expect(answer.status == .badRequest && answer.text.contains("phoneNumber"), "\(bad)")
                #expect(!answer.text.contains(bad))
            }
            let missingField = try await client.call(
                .post, "/api/account/acme/clicktocall/dial-authorizations", key: app.acmeAdmin, json: #"{"phone":"+14155550100"}"#)
            #expect(missingField.status == .badRequest && missingField.text.contains("visitorId"))
            let unknownField = try await client.call(
                .post, "/api/account/acme/clicktocall/dial-authorizations", key: app.acmeAdmin,
                json: #"{"visitorId":"v","sessionId":"s","contextId":"c","phoneNumber":"+14155550100","phone":"+1"}"#)
            #expect(unknownField.status == .badRequest && unknownField.text.contains("invalid phone: unknown field"))
            #expect(
                try await client.call(.post, "/api/account/acme/clicktocall/dial-authorizations", key: app.acmeAdmin, json: "{").status == .badRequest
            )
            #expect(try await client.dial(app, visit, "+14155550100", key: app.acmeReader).status == .unauthorized)
            let badSetting = try await client.call(
                .patch, "/api/v1/accounts/acme/settings", key: app.acmeAdmin, json: #"{"abuse":{"clicks":{"perMinute":3}}}"#)
            #expect(badSetting.status == .badRequest && badSetting.text.contains("abuse.clicks.perMinute"))
            let badPrefix = try await client.call(
                .patch, "/api/v1/accounts/acme/settings", key: app.acmeAdmin, json: #"{"abuse":{"premiumPrefixes":["1900"]}}"#)
            #expect(badPrefix.status == .badRequest && badPrefix.text.contains("abuse.premiumPrefixes[0]"))

            let report = try await client.call(.get, "/api/v1/accounts/acme/reports/abuse?format=csv", key: app.acmeAdmin)
            #expect(report.status == .ok && report.text.hasPrefix("day,clicksRefused.rateLimited"))
        }
    }

    @Test func oneAddressGetsAtMostItsNewVisitorsAndThen429WithRetryAfter() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let patch = try await client.call(
                .patch, "/api/v1/accounts/acme/settings", key: app.acmeAdmin, json: #"{"abuse":{"perAddress":{"newVisitorsPerMinute":5}}}"#)
            #expect(patch.status == .ok)
            var statuses: [Int] = []
            for _ in 1...7 { statuses.append(Int(try await client.pageView(fixture.engagementPath).status.code)) }
            #expect(statuses == [201, 201, 201, 201, 201, 429, 429])
            let limited = try await client.pageView(fixture.engagementPath)
            #expect(limited.headers[.retryAfter].flatMap(Int.init).map { (1...60).contains($0) } == true)
            #expect(limited.envelope?.internalCode == 5)
            // Another account has its own bucket; a minute later the address may start visitors again.
            let globex = try await MonitoringFixture.make(app, account: "globex")
            #expect(try await client.pageView(globex.engagementPath).status == .created)
            app.clock.advance(by: 60)
            #expect(try await client.pageView(fixture.engagementPath).status == .created)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.text.contains(#"beckon_abuse_rate_limited_total{endpoint="monitoring.newVisitor"}"#))
        }
    }
}
