import BeckonCore
import BeckonTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import BeckonServer

/// The monitoring API against LivePerson's documented requests and answers (SPEC §4, "LP
/// exactness"): what a strict LivePerson client sends works as it does there.
@Suite struct LivePersonMonitoringTests {
    struct Answer: Decodable {
        struct Warning: Decodable { var field: String; var message: String }
        var visitorId: String
        var sessionId: String
        var pageId: String?
        var warnings: [Warning]?
    }

    @Test func lpsDocumentedEngagementBodyIsAcceptedWithBothVersions() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let base = "/api/account/acme/app/\(fixture.site.id)/engagement"
            for version in ["1.0", "1.1"] {
                let response = try await client.call(.post, "\(base)?v=\(version)", json: LivePersonExamples.engagementBody)
                #expect(response.status == .created, "v=\(version): \(response.text)")
                let answer = try response.decoded(Answer.self)
                #expect(answer.warnings == nil, "the documented personal SDE is understood")
                // LivePerson's `osName` is the OS; without obh the body's ipAddress is not the visitor's.
                let client = try #require(Self.visit(app, answer)?.client)
                #expect(client.os == "MAC_OSX" && client.deviceFamily == "MOBILE")
                #expect(client.ipAddress != "192.168.5.2")
            }
            let wrong = try await client.call(.post, "\(base)?v=2.0", json: LivePersonExamples.engagementBody)
            #expect(wrong.status == .badRequest && wrong.envelope?.internalCode == 33)
            #expect(wrong.envelope?.message.contains("v=1.0 or v=1.1") == true)
        }
    }

    @Test func lpsTenDocumentedSDEsAreAllUnderstood() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let base = "/api/account/acme/app/\(fixture.site.id)"
            let body = #"{"entryPoints":["sec://Sport"],"engagementAttributes":[\#(LivePersonExamples.tenSDEs.joined(separator: ","))]}"#
            let response = try await client.call(.post, "\(base)/engagement?v=1.0", json: body)
            #expect(response.status == .created)
            let answer = try response.decoded(Answer.self)
            #expect(answer.warnings == nil, "\(answer.warnings ?? [])")
            let types = Self.visit(app, answer)?.attributes.map(\.attribute.type)
            #expect(types == ["cart", "purchase", "prodView", "ctmrinfo", "mrktInfo", "personal", "lead", "service", "error", "searchInfo"])
            // The same ten through a report.
            let report = try await client.call(
                .put, "\(base)/report?v=1.0&vid=\(answer.visitorId)&sid=\(answer.sessionId)",
                json: #"{"engagementAttributes":[\#(LivePersonExamples.tenSDEs.joined(separator: ","))]}"#)
            #expect(report.status == .ok)
            #expect(try report.decoded(Answer.self).warnings == nil)
        }
    }

    @Test func onBehalfTheVisitorsAddressIsTheOneInTheBody() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let path = "/api/account/acme/app/\(fixture.site.id)/engagement?v=1.0&obh=true"
            let answer = try await client.call(.post, path, json: LivePersonExamples.engagementBody).decoded(Answer.self)
            #expect(Self.visit(app, answer)?.client?.ipAddress == "192.168.5.2")
            let bad = try await client.call(
                .post, path, json: #"{"clientProperties":{"ipAddress":"not.an.address"},"entryPoints":["sec://x"]}"#)
            #expect(bad.status == .badRequest && bad.envelope?.message.contains("clientProperties.ipAddress") == true)
        }
    }

    @Test func entryPointsAreOptionalAndMayHaveNoURL() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let base = "/api/account/acme/app/\(fixture.site.id)/engagement?v=1.0"
            let none = try await client.call(.post, base, json: "{}")
            #expect(none.status == .created, "\(none.text)")
            let phone = try await client.call(.post, base, json: #"{"entryPoints":["tel://972737004000","sec://Sport","lang://English"]}"#)
            #expect(phone.status == .created)
            let visit = try #require(Self.visit(app, try phone.decoded(Answer.self)))
            #expect(visit.pages.last?.sections == ["Sport"] && visit.pages.last?.url == "")
        }
    }

    @Test func anUnknownSiteIsLivePersonsUnknownAppInstallation() async throws {
        try await TestApp.with { app, client in
            _ = try await MonitoringFixture.make(app)
            for path in ["engagement", "report"] {
                let response = try await client.call(.post, "/api/account/acme/app/123/\(path)?v=1.0", json: "{}")
                #expect(response.status == .notFound && response.envelope?.internalCode == 18, "\(path)")
            }
        }
    }

    @Test func engagementDetailsCarryLivePersonsConnectorAndWindow() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let response = try await client.pageView(fixture.engagementPath)
            let detail = try #require(
                (try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])?["engagementDetails"]
                    as? [[String: Any]]
            ).first
            #expect(detail?["connectorId"] as? Int64 == fixture.engagement.id)
            #expect(detail?.keys.contains("windowId") == true && detail?["windowId"] is NSNull)
            #expect(detail?["language"] as? String == "en-US", "the account's language by default")
        }
    }

    @Test func engagementDetailsCarryTheEngagementsLanguageOrTheAccounts() async throws {
        try await TestApp.with { app, client in
            var german = CampaignFixtures.engagement(
                1, campaign: 0, proactive: false, placement: .sticky, entryPoint: EntryPoint(include: [.urlContains("/product/")])
            ).settings
            german.language = "de-DE"
            let fixture = try await MonitoringFixture.make(app)
            _ = try await app.storage.campaigns.createEngagement(
                accountId: fixture.campaign.accountId, campaignId: fixture.campaign.id, settings: german, at: app.clock.now())
            let bad = try await client.call(
                .patch, "/api/v1/accounts/acme/settings", key: app.acmeAdmin, json: #"{"language":"not a language"}"#)
            #expect(bad.status == .badRequest && bad.envelope?.message.contains("language") == true)
            let french = try await client.call(.patch, "/api/v1/accounts/acme/settings", key: app.acmeAdmin, json: #"{"language":"fr-FR"}"#)
            #expect(french.status == .ok)
            let path = "/api/v1/accounts/acme/engagements/\(fixture.engagement.id)"
            let badEngagement = try await client.call(.patch, path, key: app.acmeAdmin, json: #"{"language":"english!"}"#)
            #expect(badEngagement.status == .badRequest && badEngagement.envelope?.message.contains("language") == true)

            let reply = try await client.pageView(fixture.engagementPath).decoded(JSONValue.self)
            let languages = (reply["engagementDetails"]?.array ?? []).map { ($0["engagementId"]?.number ?? 0, $0["language"]?.string) }
            #expect(languages.count == 2)
            #expect(languages.first { $0.0 == Double(fixture.engagement.id) }?.1 == "fr-FR", "the account's, changed")
            #expect(languages.first { $0.0 != Double(fixture.engagement.id) }?.1 == "de-DE", "the engagement's own")
        }
    }

    @Test func closeTimeoutAndExpandedMayOmitTheContextAndApplyToTheLatestOne() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let offered = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            let detail = try #require(offered.engagementDetails?.first)
            func event(_ template: String) -> String {
                LivePersonExamples.impression(
                    template, campaign: detail.campaignId, engagement: detail.engagementId, revision: detail.engagementRevision)
            }
            let report = fixture.reportPath(offered)
            let display = try await client.report(report, "[\(event(LivePersonExamples.impDisplay))]")
            #expect(display.status == .ok)
            for template in [LivePersonExamples.impExpanded, LivePersonExamples.impTimeout, LivePersonExamples.impClose] {
                let response = try await client.report(report, "[\(event(template))]")
                #expect(response.status == .ok, "\(response.text)")
            }
            let key = LiveVisitStore.Key(accountId: AccountID(trusted: "acme"), visitorId: try #require(VisitToken(offered.visitorId)))
            let context = app.dependencies.liveVisits.withVisitor(key) { $0?.visit(VisitToken(offered.sessionId)!)?.context("1") }
            #expect(context?.closedAt != nil, "the close applied to context 1")
            // A display or a click still has to name its context.
            let noContext = try await client.report(
                report,
                "[\(event(LivePersonExamples.impDisplay).replacingOccurrences(of: #","eContext":[{"type":"engagementContext","id":"1"}]"#, with: ""))]"
            )
            #expect(noContext.status == .badRequest && noContext.envelope?.message.contains("eContext") == true)
            // A close for an engagement never offered in the visit is refused.
            let foreign = try await client.report(
                report, "[\(LivePersonExamples.impression(LivePersonExamples.impClose, campaign: 1, engagement: 999, revision: 1))]")
            #expect(foreign.status == .badRequest)
        }
    }

    @Test func aMalformedSDEIsRefusedAloneAndTheRestCounts() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let response = try await client.pageView(
                fixture.engagementPath,
                extra:
                    #","engagementAttributes":[{"type":"cart","total":"lots","numItems":1},"oops",{"type":"convStatus","contextId":"1","status":"COMPLETED"},{"type":"ctmrinfo","info":{"ctype":"vip"}}]"#
            )
            #expect(response.status == .created)
            let answer = try response.decoded(Answer.self)
            #expect(
                answer.warnings?.map(\.field) == ["engagementAttributes[0].cart.total", "engagementAttributes[1]", "engagementAttributes[2].type"])
            let visit = try #require(Self.visit(app, answer))
            #expect(visit.attributes.map(\.attribute.type) == ["ctmrinfo"], "the good SDE in the batch counted")
            // The same in a report, with LivePerson's documented report body.
            let offered = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            let report = try await client.report(
                fixture.reportPath(offered), #"[{"type":"purchase","total":"eleven"},{"type":"purchase","total":11.7,"orderId":"DRV1534XC"}]"#)
            #expect(report.status == .ok)
            #expect(try report.decoded(Answer.self).warnings?.map(\.field) == ["engagementAttributes[0].purchase.total"])
            let documented = try await client.call(.put, fixture.reportPath(offered), json: LivePersonExamples.reportBody)
            #expect(documented.status == .ok, "\(documented.text)")
            #expect(try documented.decoded(Answer.self).warnings == nil)
        }
    }

    @Test func aReportWithoutVisitorOrVisitStartsBoth() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let base = "/api/account/acme/app/\(fixture.site.id)"
            let response = try await client.call(.put, "\(base)/report?v=1.0", json: LivePersonExamples.reportBody)
            #expect(response.status == .created, "\(response.text)")
            let answer = try response.decoded(Answer.self)
            let visit = try #require(Self.visit(app, answer))
            #expect(visit.attributes.map(\.attribute.type) == ["purchase", "lead"])
            #expect(visit.pages.last?.url == "http://www.brand.com" && visit.pages.last?.sections == ["Sport"])
            #expect(visit.contexts.isEmpty, "nothing is offered to a visit a report starts")
            // The visit goes on with the ids it was given.
            let next = try await client.pageView("\(base)/engagement?v=1.0&vid=\(answer.visitorId)&sid=\(answer.sessionId)")
            #expect(next.status == .ok)
            // Impressions still need a context the visit was offered (LivePerson's limitation too).
            let early = try await client.call(
                .put, "\(base)/report?v=1.0",
                json:
                    #"{"engagementAttributes":[\#(LivePersonExamples.impression(LivePersonExamples.impDisplay, campaign: 1, engagement: 1, revision: 1))]}"#
            )
            #expect(early.status == .badRequest)
        }
    }

    @Test func anIdentitySeenBeforeContinuesItsVisitorWithoutVid() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let base = "/api/account/acme/app/\(fixture.site.id)/engagement?v=1.0"
            // LivePerson's documented body names two identities and a consumerId.
            let first = try await client.call(.post, base, json: LivePersonExamples.engagementBody).decoded(Answer.self)
            // Another device or app, no vid, one of the same identities: the same visitor.
            let again = try await client.call(
                .post, base, json: #"{"identities":[{"iss":"TMO","acr":"loa1","sub":"identifierForAuth"}],"entryPoints":["sec://Sport"]}"#)
            #expect(again.status == .created, "a new visit of the known visitor")
            #expect(try again.decoded(Answer.self).visitorId == first.visitorId)
            let byConsumer = try await client.call(.post, base, json: #"{"consumerId":"uniqueIdInBrand"}"#).decoded(Answer.self)
            #expect(byConsumer.visitorId == first.visitorId)
            // Another subject, or the same subject in another account, is another visitor.
            let stranger = try await client.call(
                .post, base, json: #"{"identities":[{"iss":"TMO","acr":"loa1","sub":"somebodyElse"}]}"#
            ).decoded(Answer.self)
            #expect(stranger.visitorId != first.visitorId)
            // An identity without a subject is refused, naming it.
            let missing = try await client.call(.post, base, json: #"{"identities":[{"iss":"TMO","acr":"loa1"}]}"#)
            #expect(missing.status == .badRequest && missing.envelope?.message.contains("identities[0].sub") == true)
            // Erasing the visitor forgets its identities.
            let erased = try await client.call(.delete, "/api/v1/accounts/acme/visitors/\(first.visitorId)", key: app.acmeAdmin)
            #expect(erased.status == .ok)
            let afterErasure = try await client.call(.post, base, json: #"{"consumerId":"uniqueIdInBrand"}"#).decoded(Answer.self)
            #expect(afterErasure.visitorId != first.visitorId)
        }
    }

    static func visit(_ app: TestApp, _ answer: Answer) -> LiveVisit? {
        guard let visitor = VisitToken(answer.visitorId), let session = VisitToken(answer.sessionId) else { return nil }
        return app.dependencies.liveVisits.withVisitor(
            LiveVisitStore.Key(accountId: AccountID(trusted: "acme"), visitorId: visitor)
        ) { $0?.visit(session) }
    }
}

/// LivePerson's Domain API: an SDK pointed at Beckon finds every service it serves there.
@Suite struct DomainAPITests {
    struct Entry: Decodable, Equatable { var service: String; var account: String; var baseURI: String }
    struct List: Decodable { var baseURIs: [Entry] }

    @Test func eachServiceBeckonServesIsFoundHere() async throws {
        try await TestApp.with { _, client in
            let one = try await client.execute(
                uri: "/api/account/acme/service/smt/baseURI.json?version=1.0", method: .get, headers: [HTTPField.Name("Host")!: "beckon.example:8443"]
            )
            #expect(one.status == .ok)
            #expect(try one.decoded(Entry.self) == Entry(service: "smt", account: "acme", baseURI: "beckon.example:8443"))
            let all = try await client.execute(
                uri: "/api/account/acme/service/baseURI.json?version=1.0", method: .get, headers: [HTTPField.Name("Host")!: "beckon.example"])
            let services = try all.decoded(List.self).baseURIs
            #expect(Set(services.map(\.service)).isSuperset(of: ["smt", "leDataReporting", "accountConfigReadWrite"]))
            #expect(services.allSatisfy { $0.baseURI == "beckon.example" && $0.account == "acme" })
            // What Beckon does not serve, an unknown account and a wrong version, as LivePerson answers them.
            let unknownService = try await client.execute(uri: "/api/account/acme/service/agentVep/baseURI.json?version=1.0", method: .get)
            #expect(unknownService.status == .notFound)
            let unknownAccount = try await client.execute(uri: "/api/account/nobody/service/smt/baseURI.json?version=1.0", method: .get)
            #expect(unknownAccount.status == .unauthorized)
            let version = try await client.execute(uri: "/api/account/acme/service/smt/baseURI.json?version=2.0", method: .get)
            #expect(version.status == .badRequest && version.envelope?.internalCode == 33)
            #expect(try await client.execute(uri: "/api/account/acme/service/smt/baseURI.json?version=1", method: .get).status == .ok)
        }
    }

    @Test func publicPathsIgnoreAKeyOfAnotherAccount() async throws {
        try await TestApp.with { app, client in
            let headers: HTTPFields = [.authorization: "Bearer \(app.globexAdmin.bearer)"]
            let domain = try await client.execute(uri: "/api/account/acme/service/smt/baseURI.json", method: .get, headers: headers)
            #expect(domain.status == .ok && domain.headers[.cacheControl] == "no-store")
            let keys = try await client.execute(uri: "/api/account/acme/clicktocall/keys", method: .get, headers: headers)
            #expect(keys.status == .ok && keys.headers[.cacheControl] == "public, max-age=300")
            #expect(try await client.execute(uri: "/api/account/nobody!/clicktocall/keys", method: .get).status == .notFound)
        }
    }

    @Test func behindATrustedProxyTheForwardedHostIsAnswered() async throws {
        let headers: HTTPFields = [
            HTTPField.Name("Host")!: "10.0.0.5:8080", HTTPField.Name("X-Forwarded-Host")!: "beckon.brand.example, proxy.internal",
        ]
        let path = "/api/account/acme/service/smt/baseURI.json?version=1.0"
        try await TestApp.with(trustForwardedFor: true) { _, client in
            let answer = try await client.execute(uri: path, method: .get, headers: headers)
            #expect(try answer.decoded(Entry.self).baseURI == "beckon.brand.example", "the first entry, the client's")
        }
        try await TestApp.with { _, client in
            let answer = try await client.execute(uri: path, method: .get, headers: headers)
            #expect(try answer.decoded(Entry.self).baseURI == "10.0.0.5:8080", "not trusted: the Host header")
        }
    }
}
