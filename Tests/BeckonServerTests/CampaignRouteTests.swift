import BeckonCore
import BeckonTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct CampaignRouteTests {
    static let campaignJSON = SpecExamples.campaignJSON

    static let engagementJSON = SpecExamples.engagementJSON

    struct CampaignBody: Decodable {
        var id: Int64
        var name: String
        var status: String
        var priority: Int
        var controlGroupPercent: Int
        var goal: Goal?
        var timeFrame: TimeFrame?
    }

    struct EngagementBody: Decodable {
        var id: Int64
        var campaignId: Int64
        var revision: Int
        var status: String
        var name: String
        var placement: String
    }

    struct Items<T: Decodable>: Decodable {
        var items: [T]
        var nextCursor: String?
    }

    static func createCampaign(
        _ app: TestApp, _ client: any TestClientProtocol, json: String = campaignJSON
    ) async throws
        -> CampaignBody
    {
        let response = try await client.call(.post, "/api/v1/accounts/acme/campaigns", key: app.acmeAdmin, json: json)
        #expect(response.status == .created)
        return try response.decoded(CampaignBody.self)
    }

    @Test func createsReadsAndListsACampaign() async throws {
        try await TestApp.with { app, client in
            let created = try await Self.createCampaign(app, client)
            #expect(created.name == "Callback for insurance quotes")
            #expect(created.timeFrame?.weekly?[.mon]?.count == 2)
            let read = try await client.call(.get, "/api/v1/accounts/acme/campaigns/\(created.id)", key: app.acmeReader)
            #expect(read.status == .ok)
            #expect(try read.decoded(CampaignBody.self).priority == 10)
            let list = try await client.call(.get, "/api/v1/accounts/acme/campaigns?status=live", key: app.acmeReader)
            #expect(try list.decoded(Items<CampaignBody>.self).items.map(\.id) == [created.id])
            let drafts = try await client.call(.get, "/api/v1/accounts/acme/campaigns?status=draft", key: app.acmeReader)
            #expect(try drafts.decoded(Items<CampaignBody>.self).items.isEmpty)
        }
    }

    @Test func newCampaignDefaultsToDraft() async throws {
        try await TestApp.with { app, client in
            let created = try await Self.createCampaign(app, client, json: #"{"name":"Minimal"}"#)
            #expect(created.status == "draft")
            #expect(created.priority == 0)
            #expect(created.controlGroupPercent == 0)
        }
    }

    @Test func listsPageWithACursor() async throws {
        try await TestApp.with { app, client in
            var ids: [Int64] = []
            for index in 0..<5 { ids.append(try await Self.createCampaign(app, client, json: "{\"name\":\"C\(index)\"}").id) }
            let first = try await client.call(.get, "/api/v1/accounts/acme/campaigns?limit=2", key: app.acmeReader)
            let page1 = try first.decoded(Items<CampaignBody>.self)
            #expect(page1.items.map(\.id) == Array(ids[0..<2]))
            let cursor = try #require(page1.nextCursor)
            let page2 = try await client.call(.get, "/api/v1/accounts/acme/campaigns?limit=2&cursor=\(cursor)", key: app.acmeReader)
                .decoded(Items<CampaignBody>.self)
            #expect(page2.items.map(\.id) == Array(ids[2..<4]))
            let page3 = try await client.call(
                .get, "/api/v1/accounts/acme/campaigns?limit=2&cursor=\(page2.nextCursor!)", key: app.acmeReader
            ).decoded(Items<CampaignBody>.self)
            #expect(page3.items.map(\.id) == [ids[4]])
            #expect(page3.nextCursor == nil)
            let bad = try await client.call(.get, "/api/v1/accounts/acme/campaigns?limit=1000", key: app.acmeReader)
            #expect(bad.status == .badRequest)
            #expect(try await client.call(.get, "/api/v1/accounts/acme/campaigns?status=running", key: app.acmeReader).status == .badRequest)
        }
    }

    @Test(arguments: [
        (#"{"name":"A","controlGroupPercent":40}"#, "invalid controlGroupPercent: must be 0 to 25"),
        (#"{"name":"A","timeFrame":{"timeZone":"Mars/Base"}}"#, "invalid timeFrame.timeZone:"),
        (#"{"name":"A","timeFrame":{"timeZone":"UTC","weekly":{"mon":[["17:00","09:00"]]}}}"#, "invalid timeFrame.weekly.mon[0]: ends at 09:00"),
        (#"{"name":"A","timeFrame":{"timeZone":"UTC","weekly":{"mon":[["09:03","10:00"]]}}}"#, "invalid timeFrame.weekly.mon[0]:"),
        (#"{"name":"A","status":"running"}"#, "invalid status:"),
        (#"{"name":"A","priority":"high"}"#, "invalid priority: must be an integer"),
        (#"{"name":"A","colour":"red"}"#, "invalid colour: unknown field"),
        (#"{"status":"live"}"#, "invalid name: is required"),
    ])
    func refusesInvalidCampaignsNamingTheField(_ json: String, _ message: String) async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.post, "/api/v1/accounts/acme/campaigns", key: app.acmeAdmin, json: json)
            #expect(response.status == .badRequest)
            #expect(response.envelope?.internalCode == 5)
            #expect(response.envelope?.message.hasPrefix(message) == true, "got: \(response.envelope?.message ?? "")")
        }
    }

    @Test func patchChangesOnlyTheFieldsGiven() async throws {
        try await TestApp.with { app, client in
            let created = try await Self.createCampaign(app, client)
            let response = try await client.call(
                .patch, "/api/v1/accounts/acme/campaigns/\(created.id)", key: app.acmeAdmin, json: #"{"status":"paused","goal":null}"#)
            #expect(response.status == .ok)
            let patched = try response.decoded(CampaignBody.self)
            #expect(patched.status == "paused")
            #expect(patched.goal == nil)
            #expect(patched.priority == 10)
            #expect(patched.timeFrame == created.timeFrame)
            let invalid = try await client.call(
                .patch, "/api/v1/accounts/acme/campaigns/\(created.id)", key: app.acmeAdmin, json: #"{"controlGroupPercent":99}"#)
            #expect(invalid.status == .badRequest)
        }
    }

    /// PATCH is a JSON Merge Patch (RFC 7396): objects merge member by member, null removes one.
    @Test func patchMergesObjectsAndNullRemovesAMember() async throws {
        try await TestApp.with { app, client in
            let path = "/api/v1/accounts/acme/campaigns"
            let create = #"""
                {"name":"M","audience":{"countries":["US"],"platforms":["desktop"]},
                 "timeFrame":{"timeZone":"America/New_York","start":"2026-01-01","weekly":{"mon":[["09:00","17:00"]],"tue":[["09:00","12:00"]]}}}
                """#
            let created = try await client.call(.post, path, key: app.acmeAdmin, json: create).decoded(CampaignBody.self)
            let patch = #"{"audience":{"countries":null},"timeFrame":{"start":null,"weekly":{"mon":null,"wed":[["10:00","11:00"]]}}}"#
            let response = try await client.call(.patch, "\(path)/\(created.id)", key: app.acmeAdmin, json: patch)
            #expect(response.status == .ok, "\(response.text)")
            let merged = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
            #expect((merged["audience"] as? [String: Any])?.keys.sorted() == ["platforms"])
            let frame = try #require(merged["timeFrame"] as? [String: Any])
            #expect(frame["start"] == nil && frame["timeZone"] as? String == "America/New_York")
            #expect((frame["weekly"] as? [String: Any])?.keys.sorted() == ["tue", "wed"])
            // The merged campaign is checked as a whole: an unknown member of a nested object is named.
            let unknown = try await client.call(
                .patch, "\(path)/\(created.id)", key: app.acmeAdmin, json: #"{"timeFrame":{"colour":"red"}}"#)
            #expect(unknown.status == .badRequest && unknown.text.contains("timeFrame.colour"), "\(unknown.text)")
        }
    }

    @Test func deleteArchivesAndKeepsTheCampaign() async throws {
        try await TestApp.with { app, client in
            let created = try await Self.createCampaign(app, client)
            let response = try await client.call(.delete, "/api/v1/accounts/acme/campaigns/\(created.id)", key: app.acmeAdmin)
            #expect(response.status == .ok)
            #expect(try response.decoded(CampaignBody.self).status == "archived")
            let read = try await client.call(.get, "/api/v1/accounts/acme/campaigns/\(created.id)", key: app.acmeReader)
            #expect(try read.decoded(CampaignBody.self).status == "archived")
        }
    }

    @Test func writingNeedsTheCampaignsScope() async throws {
        try await TestApp.with { app, client in
            let created = try await Self.createCampaign(app, client)
            let post = try await client.call(.post, "/api/v1/accounts/acme/campaigns", key: app.acmeReader, json: #"{"name":"A"}"#)
            #expect(post.status == .forbidden)
            #expect(post.envelope?.message == "this API key lacks the scope 'campaigns:write'")
            let patch = try await client.call(
                .patch, "/api/v1/accounts/acme/campaigns/\(created.id)", key: app.acmeReader, json: #"{"name":"B"}"#)
            #expect(patch.status == .forbidden)
            let writer = try await app.provisioning.createAPIKey(accountId: "acme", name: "cm", scopes: [.campaignsWrite])
            let allowed = try await client.call(.post, "/api/v1/accounts/acme/campaigns", key: writer, json: #"{"name":"A"}"#)
            #expect(allowed.status == .created)
            #expect(try await client.call(.get, "/api/v1/accounts/acme/campaigns").status == .unauthorized)
        }
    }

    @Test func anotherAccountsCampaignsAreNeverVisibleNorChangeable() async throws {
        try await TestApp.with { app, client in
            let created = try await Self.createCampaign(app, client)
            let globexKey = app.globexAdmin
            for (method, json) in [(HTTPRequest.Method.get, nil), (.patch, #"{"name":"Hijacked"}"#), (.delete, nil)]
                as [(HTTPRequest.Method, String?)]
            {
                let response = try await client.call(method, "/api/v1/accounts/globex/campaigns/\(created.id)", key: globexKey, json: json)
                #expect(response.status == .notFound)
                #expect(response.envelope?.internalCode == 12)
            }
            let engagements = try await client.call(
                .post, "/api/v1/accounts/globex/campaigns/\(created.id)/engagements", key: globexKey, json: Self.engagementJSON)
            #expect(engagements.status == .notFound)
            let list = try await client.call(.get, "/api/v1/accounts/globex/campaigns", key: globexKey)
            #expect(try list.decoded(Items<CampaignBody>.self).items.isEmpty)
            let crossPath = try await client.call(.get, "/api/v1/accounts/acme/campaigns/\(created.id)", key: globexKey)
            #expect(crossPath.status == .forbidden)
            let read = try await client.call(.get, "/api/v1/accounts/acme/campaigns/\(created.id)", key: app.acmeReader)
            #expect(try read.decoded(CampaignBody.self).name == "Callback for insurance quotes")
            // The document's ids are positive integers: anything else is a malformed request.
            let malformed = try await client.call(.get, "/api/v1/accounts/acme/campaigns/abc", key: app.acmeReader)
            #expect(malformed.status == .badRequest)
            #expect(malformed.envelope?.message == "invalid campaignId: must be a positive integer")
        }
    }

    @Test func engagementLifecycleKeepsRevisions() async throws {
        try await TestApp.with { app, client in
            let campaign = try await Self.createCampaign(app, client)
            let created = try await client.call(
                .post, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements", key: app.acmeAdmin, json: Self.engagementJSON)
            #expect(created.status == .created)
            let engagement = try created.decoded(EngagementBody.self)
            #expect(engagement.revision == 1)
            #expect(engagement.campaignId == campaign.id)

            let patched = try await client.call(
                .patch, "/api/v1/accounts/acme/engagements/\(engagement.id)", key: app.acmeAdmin, json: #"{"placement":"sticky"}"#)
            #expect(patched.status == .ok)
            let revised = try patched.decoded(EngagementBody.self)
            #expect(revised.revision == 2)
            #expect(revised.placement == "sticky")
            #expect(revised.name == "Call me back banner")
            let stored = try await app.storage.campaigns.engagement(accountId: AccountID(trusted: "acme"), id: engagement.id, revision: 1)
            #expect(stored?.settings.placement == .toaster, "the old revision is kept for reports")

            let copy = try await client.call(.post, "/api/v1/accounts/acme/engagements/\(engagement.id)/duplicate", key: app.acmeAdmin)
            #expect(copy.status == .created)
            let duplicate = try copy.decoded(EngagementBody.self)
            #expect(duplicate.id != engagement.id)
            #expect(duplicate.revision == 1)
            #expect(duplicate.name == "Call me back banner (copy)")
            #expect(duplicate.placement == "sticky")

            let list = try await client.call(.get, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements", key: app.acmeReader)
            #expect(try list.decoded(Items<EngagementBody>.self).items.map(\.id) == [engagement.id, duplicate.id])

            let deleted = try await client.call(.delete, "/api/v1/accounts/acme/engagements/\(engagement.id)", key: app.acmeAdmin)
            #expect(try deleted.decoded(EngagementBody.self).status == "archived")
            let globex = try await client.call(.get, "/api/v1/accounts/globex/engagements/\(engagement.id)", key: app.globexAdmin)
            #expect(globex.status == .notFound)
        }
    }

    @Test func invalidEngagementsAreRefusedNamingTheField() async throws {
        try await TestApp.with { app, client in
            let campaign = try await Self.createCampaign(app, client)
            let insecure = Self.engagementJSON.replacingOccurrences(of: "https://brand.example/call", with: "http://brand.example/call")
            let response = try await client.call(
                .post, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements", key: app.acmeAdmin, json: insecure)
            #expect(response.status == .badRequest)
            #expect(response.envelope?.message == "invalid clickToCall.brandPageUrl: must use https (http only for localhost)")
            let badRegex = Self.engagementJSON.replacingOccurrences(of: "/quote/(done|cancel)", with: "/quote/(done")
            let regexResponse = try await client.call(
                .post, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements", key: app.acmeAdmin, json: badRegex)
            #expect(regexResponse.envelope?.message.hasPrefix("invalid entryPoint.exclude[0]:") == true)
            let embedded = try await client.call(
                .post, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements", key: app.acmeAdmin,
                json: Self.engagementJSON.replacingOccurrences(of: "\"toaster\"", with: "\"embedded\""))
            #expect(embedded.envelope?.message.hasPrefix("invalid target:") == true)
        }
    }

    @Test func shiftStatusAnswersPerCampaign() async throws {
        try await TestApp.with { app, client in
            // Monday 2026-11-23, 10:13 in New York (EST).
            app.clock.set(ISO8601DateFormatter().date(from: "2026-11-23T15:13:00Z")!)
            let created = try await Self.createCampaign(app, client)
            let always = try await Self.createCampaign(app, client, json: #"{"name":"Always"}"#)
            let response = try await client.call(.get, "/api/account/acme/shift-status", key: app.acmeReader)
            #expect(response.status == .ok)
            struct Answer: Decodable {
                struct Entry: Decodable {
                    var campaignId: Int64
                    var onShift: Bool
                    var nextOn: Int64?
                    var nextOff: Int64?
                }
                var campaigns: [Entry]
            }
            let answer = try response.decoded(Answer.self)
            let quotes = try #require(answer.campaigns.first { $0.campaignId == created.id })
            #expect(quotes.onShift)
            #expect(quotes.nextOff == ISO8601DateFormatter().date(from: "2026-11-23T17:30:00Z")!.millisecondsSince1970)
            #expect(quotes.nextOn == ISO8601DateFormatter().date(from: "2026-11-23T18:30:00Z")!.millisecondsSince1970)
            let other = try #require(answer.campaigns.first { $0.campaignId == always.id })
            #expect(other.onShift && other.nextOff == nil)
            #expect(try await client.call(.get, "/api/account/acme/shift-status", key: app.globexAdmin).status == .unprocessableContent)
        }
    }
}

@Suite struct EngagementPreviewTests {
    @Test func previewIsDrawnByTheTagInASandboxWhereOnlyTheTagRuns() async throws {
        try await TestApp.with { app, client in
            let campaign = try await CampaignRouteTests.createCampaign(app, client)
            let json = CampaignRouteTests.engagementJSON.replacingOccurrences(
                of: "<p>Questions? We call you now.</p>", with: "<p>Hi {{name}}!</p>")
            let created = try await client.call(
                .post, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements", key: app.acmeAdmin, json: json)
            let engagement = try created.decoded(CampaignRouteTests.EngagementBody.self)
            let preview = try await client.call(
                .get, "/api/v1/accounts/acme/engagements/\(engagement.id)/preview?name=%3Cb%3EAna%3C%2Fb%3E", key: app.acmeReader)
            #expect(preview.status == .ok)
            #expect(preview.headers[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(preview.headers[.contentSecurityPolicy])
            #expect(policy.hasPrefix("sandbox allow-scripts;"), "an opaque origin: the creative can't reach Beckon's")
            let nonce = try #require(policy.firstMatch(of: /script-src 'nonce-([A-Za-z0-9_-]+)'/)?.1)
            let page = preview.text
            #expect(page.contains(#"<script nonce="\#(nonce)" src="/tag/v1/preview.js"></script>"#), "only the tag runs")
            #expect(page.contains(#"<meta http-equiv="Content-Security-Policy""#), "the same policy in a srcdoc frame")
            let data = try #require(page.firstMatch(of: /<script type="application\/json" id="beckon-preview">([^<]*)<\/script>/)?.1)
            let detail = try JSONDecoder().decode(JSONValue.self, from: Data(String(data).utf8))
            #expect(detail["engagement"]?["engagementId"]?.number == Double(engagement.id))
            #expect(detail["engagement"]?["content"]?["html"]?.string?.contains("<p>Hi {{name}}!</p>") == true)
            #expect(detail["values"]?["name"]?.string == "<b>Ana</b>", "the tag fills and escapes it, as on a site")
            #expect(!data.contains("<"), "nothing in the data can end its script element")
            let tag = try await client.execute(uri: "/tag/v1/preview.js", method: .get)
            #expect(tag.status == .ok && String(buffer: tag.body).contains(#""preview":true"#))
            let other = try await client.call(.get, "/api/v1/accounts/globex/engagements/\(engagement.id)/preview", key: app.globexAdmin)
            #expect(other.status == .notFound)
            #expect(try await client.call(.get, "/api/v1/accounts/acme/engagements/\(engagement.id)/preview").status == .unauthorized)
        }
    }
}

@Suite struct EngagementAccessTests {
    @Test func engagementWritesNeedScopeAndStayInTheAccount() async throws {
        try await TestApp.with { app, client in
            let campaign = try await CampaignRouteTests.createCampaign(app, client)
            let created = try await client.call(
                .post, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements", key: app.acmeAdmin,
                json: CampaignRouteTests.engagementJSON)
            let engagement = try created.decoded(CampaignRouteTests.EngagementBody.self)
            let base = "/api/v1/accounts/acme/engagements/\(engagement.id)"
            #expect(try await client.call(.patch, base, key: app.acmeReader, json: #"{"name":"x"}"#).status == .forbidden)
            #expect(try await client.call(.delete, base, key: app.acmeReader).status == .forbidden)
            #expect(try await client.call(.post, base + "/duplicate", key: app.acmeReader).status == .forbidden)
            #expect(
                try await client.call(
                    .post, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements", key: app.acmeReader,
                    json: CampaignRouteTests.engagementJSON
                ).status == .forbidden)
            let other = "/api/v1/accounts/globex/engagements/\(engagement.id)"
            #expect(try await client.call(.patch, other, key: app.globexAdmin, json: #"{"name":"x"}"#).status == .notFound)
            #expect(try await client.call(.delete, other, key: app.globexAdmin).status == .notFound)
            #expect(try await client.call(.post, other + "/duplicate", key: app.globexAdmin).status == .notFound)
            let unchanged = try await client.call(.get, base, key: app.acmeReader).decoded(CampaignRouteTests.EngagementBody.self)
            #expect(unchanged.revision == 1)
            #expect(unchanged.status == "active")
            #expect(unchanged.name == "Call me back banner")
            let paged = try await client.call(
                .get, "/api/v1/accounts/acme/campaigns/\(campaign.id)/engagements?limit=1", key: app.acmeReader)
            #expect(try paged.decoded(CampaignRouteTests.Items<CampaignRouteTests.EngagementBody>.self).items.count == 1)
        }
    }
}
