import BeckonCore
import BeckonServer
import BeckonTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Visit Information against LivePerson's documented JSON example (SPEC §5, "LP exactness"): a
/// visit with a clicked engagement and each of LivePerson's ten engagement attributes answers every
/// key of the example, at every depth, with a value of the same JSON kind.
@Suite struct LivePersonVisitInformationTests {
    /// Where Beckon has nothing to answer yet, null stands for LivePerson's value: geography beyond
    /// the country (GeoIP is issue 20's), LivePerson's zone ids and skill names.
    static let nullable: Set<String> = [
        "appSessions[].geo.country", "appSessions[].geo.countryCode", "appSessions[].geo.state", "appSessions[].geo.city",
        "appSessions[].geo.isp", "appSessions[].geo.org", "appSessions[].engagements[].engagement.zoneId",
        "appSessions[].engagements[].engagement.engagementEntity.engagementSkill.skillName",
    ]

    /// Keys Beckon adds (documented in docs/brand-sdk.md, "Differences from LivePerson"), and the
    /// attribute fields LivePerson's own SDE examples send that its answer example happens not to show.
    static let extensions: Set<String> = [
        "conversationStatus", "beckonType", "displayed", "callStatus", "source", "currency", "statusInStock",
        "quantityInStock", "address",
    ]

    @Test func answersEveryKeyOfLivePersonsExampleWithTheSameKindOfValue() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            var settings = fixture.campaign.settings
            settings.goal = Goal(type: .purchase)
            _ = try await app.storage.campaigns.updateCampaign(
                accountId: fixture.campaign.accountId, id: fixture.campaign.id, settings: settings, at: app.clock.now())
            // Like LivePerson's example: two engagements shown, the second one clicked.
            _ = try await app.storage.campaigns.createEngagement(
                accountId: fixture.campaign.accountId, campaignId: fixture.campaign.id,
                settings: CampaignFixtures.engagement(
                    2, campaign: fixture.campaign.id, proactive: false, placement: .sticky,
                    entryPoint: EntryPoint(include: [.urlContains("/product/")])
                ).settings, at: app.clock.now())
            let extra = #"""
                ,"clientProperties":{"osName":"MAC_OSX","deviceFamily":"DESKTOP","ipAddress":"195.62.30.20"},
                "page":{"title":"Test Page"},
                "engagementAttributes":[\#(LivePersonExamples.tenSDEs.joined(separator: ","))]
                """#
            var headers = HTTPFields()
            headers[.userAgent] = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_5) Chrome/53.0"
            let reply = try await client.pageView(fixture.engagementPath + "&obh=true", extra: extra, headers: headers)
                .decoded(EngagementReply.self)
            let details = try #require(reply.engagementDetails)
            try #require(details.count == 2)
            let clicked = details[1]
            _ = try await client.report(
                fixture.reportPath(reply),
                "[\(impression("impDisplay", details[0])),\(impression("impDisplay", clicked)),\(impression("impAccept", clicked))]")
            app.clock.advance(by: 20)

            let path = "/api/account/acme/monitoring/visitors/\(reply.visitorId)/visits/current/state?v=1&sid=\(reply.sessionId)"
            let ours = try await client.call(.get, path, key: app.acmeReader).decoded(JSONValue.self)
            let example = try JSONDecoder().decode(JSONValue.self, from: Data(LivePersonExamples.visitInformation.utf8))
            var differences: [String] = []
            Self.compare(example, ours, path: "", into: &differences)
            #expect(differences == [], "\(differences.joined(separator: "\n"))")

            // And the values a typed LivePerson client reads.
            #expect(ours["id"]?.string == reply.sessionId)
            let session = try #require(ours["appSessions"]?.array?.first)
            #expect(session["ipv4"]?.string == "195.62.30.20" && session["deviceOS"]?.string == "MAC_OSX")
            let engagements = try #require(session["engagements"]?.array)
            #expect(engagements.map { $0["impressionAccepted"] != nil } == [false, true])
            let engagement = try #require(
                engagements.first { $0["engagement"]?["engagementEntity"]?["id"]?.number == Double(clicked.engagementId) }?["engagement"])
            #expect(engagement["engagementEntity"]?["type"]?.number == 6, "a sticky is LivePerson's engagementType 6")
            #expect(engagement["engagementEntity"]?["channel"]?.number == 1)
            #expect(engagement["engagementEntity"]?["beckonType"]?.string == "clickToCall")
            #expect(engagement["campaignEntity"]?["revision"]?.number == 2, "created, then given its goal")
            #expect(engagement["campaignEntity"]?["goalId"] == engagement["goalEntity"]?["id"])
            #expect(engagement["goalEntity"]?["type"]?.number == 2, "purchase")
            #expect(session["cart"]?["lastTotalChange"]?.number == 11.7)
            #expect(session["marketingCampaignInfo"]?["marketingCampaignInfo"]?["originatingChannel"] == .number(1))
            #expect(session["customerInfo"]?["customerInfo"]?["loginStatus"] == .null)
            #expect(session["purchases"]?.array?.first?["purchaseSeqId"]?.string == "1")
            #expect(session["leads"]?.array?.first?["ticketId"] == .null)
            #expect(session["externalReferrer"]?.string == "")
            #expect(session["searchEngine"]?["keywords"]?.string == "Reset password")
            let events = try #require(session["events"]?.array)
            #expect(events.count == 10 && events.allSatisfy { $0.objectKeys.count == 1 })
            #expect(events.first { $0["customerInfo"] != nil }?["customerInfo"]?["customerInfo"]?["customerType"]?.string == "vip")
        }
    }

    @Test func filterAgentKeepsLivePersonsFieldsAndDropsBeckonsInternalOnes() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            var headers = HTTPFields()
            headers[.userAgent] = "Mozilla/5.0 Test"
            let reply = try await client.pageView(
                fixture.engagementPath, extra: #","engagementAttributes":[\#(LivePersonExamples.tenSDEs[3])]"#, headers: headers
            ).decoded(EngagementReply.self)
            let detail = try #require(reply.engagementDetails?.first)
            _ = try await client.report(fixture.reportPath(reply), "[\(impression("impDisplay", detail))]")
            let path = "/api/account/acme/monitoring/visitors/\(reply.visitorId)/visits/current/state?v=1&sid=\(reply.sessionId)"
            let full = try #require(try await client.call(.get, path, key: app.acmeReader).decoded(JSONValue.self)["appSessions"]?.array?.first)
            let agent = try #require(
                try await client.call(.get, path + "&filter=agent", key: app.acmeReader).decoded(JSONValue.self)["appSessions"]?.array?.first)
            #expect(agent["userAgent"]?.string == "Mozilla/5.0 Test" && agent["ipv4"] != nil)
            #expect(agent["events"]?.array?.count == 1 && agent["customerInfo"] == full["customerInfo"])
            #expect(full["events"]?.array?.first?["customerInfo"]?["source"]?.string == "page")
            #expect(agent["events"]?.array?.first?["customerInfo"]?["source"] == nil)
            let fullEngagement = try #require(full["engagements"]?.array?.first)
            let agentEngagement = try #require(agent["engagements"]?.array?.first)
            #expect(fullEngagement["displayed"]?.bool == true && agentEngagement["displayed"] == nil)
            #expect(agentEngagement["engagement"]?["engagementEntity"]?["beckonType"] == nil)
            #expect(agentEngagement["engagement"]?["engagementEntity"]?["type"]?.number == 2)
        }
    }

    @Test func aSearchEngineReferrerGivesTheEngineAndItsKeywords() {
        #expect(SearchReferrer(referrer: "https://www.bing.com/search?q=sofa+beds%2B&form=QBLH") == .init(engine: "Bing", keywords: "sofa beds+"))
        #expect(SearchReferrer(referrer: "https://www.google.co.uk/") == .init(engine: "Google", keywords: nil))
        #expect(SearchReferrer(referrer: "https://search.yahoo.com/search?p=blue%20sofa") == .init(engine: "Yahoo", keywords: "blue sofa"))
        #expect(SearchReferrer(referrer: "https://yandex.ru/search/?text=диван")?.keywords == "диван")
        #expect(SearchReferrer(referrer: "https://www.acme.example/?q=x") == nil)
        #expect(SearchReferrer(referrer: "https://google.acme.example/") == nil, "a brand's own host named google")
        #expect(SearchReferrer(referrer: "https://duckduckgo.com/?q=call+me")?.engine == "DuckDuckGo")
        #expect(SearchReferrer(referrer: "not a url") == nil)
    }

    /// Every key of `example` must be in `ours` with a value of the same JSON kind (or null where
    /// `nullable` allows it); keys of `ours` beyond the example must be `extensions`. Arrays compare
    /// item by item (the last of ours standing in for more items in the example); arrays of
    /// single-key objects (`events`) compare by that key.
    static func compare(_ example: JSONValue, _ ours: JSONValue, path: String, into differences: inout [String]) {
        switch (example, ours) {
        case (.null, _): return
        case (_, .null):
            if !nullable.contains(path) { differences.append("\(path): null where LivePerson has \(example.kind)") }
        case (.object(let expected), .object(let actual)):
            // LivePerson's internal revision maps (`revAllVPs`, `activeVBs`, …): id → {revision}.
            if !expected.isEmpty, expected.keys.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return }
            for (key, value) in expected {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let mine = actual[key] else {
                    differences.append("\(child): missing")
                    continue
                }
                compare(value, mine, path: child, into: &differences)
            }
            for key in actual.keys where expected[key] == nil && !extensions.contains(key) {
                differences.append("\(path).\(key): not in LivePerson's example")
            }
        case (.array(let expected), .array(let actual)):
            let child = "\(path)[]"
            if expected.isEmpty { return }
            guard !actual.isEmpty else {
                differences.append("\(child): empty where LivePerson has items")
                return
            }
            if expected.allSatisfy({ $0.objectKeys.count == 1 }) {
                for item in expected {
                    let key = item.objectKeys[0]
                    guard let mine = actual.first(where: { $0.objectKeys == [key] }) else {
                        differences.append("\(child): no \(key) item")
                        continue
                    }
                    compare(item, mine, path: child, into: &differences)
                }
            } else {
                for (offset, item) in expected.enumerated() {
                    compare(item, actual[min(offset, actual.count - 1)], path: child, into: &differences)
                }
            }
        default:
            if example.kind != ours.kind { differences.append("\(path): \(ours.kind) where LivePerson has \(example.kind)") }
        }
    }
}

extension JSONValue {
    fileprivate var kind: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    fileprivate var objectKeys: [String] {
        if case .object(let fields) = self { return fields.keys.sorted() }
        return []
    }
}
