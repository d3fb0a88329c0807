import BeckonCore
import BeckonTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The funnel report's JSON as a client reads it.
struct FunnelReply: Decodable {
    struct Row: Decodable {
        var campaignId: Int64?
        var engagementId: Int64?
        var placement: String?
        var day: String?
        var hour: Int?
        var metrics: [String: JSONValue]

        func int(_ name: String) -> Int? { metrics[name]?.number.map { Int($0) } }
    }

    var from: String
    var to: String
    var timeZone: String
    var rows: [Row]
}

struct CustomReply: Decodable {
    struct Row: Decodable, Equatable {
        var value: String?
        var count: Int
        var sum: Double?
        var average: Double?
    }

    var rows: [Row]
    var total: Row
}

/// Acme in New York with campaigns 1–3 and their goals, and `ReportHistory` in the journal
/// (globex gets the same history, which must never show in acme's reports).
func seedReportHistory(_ app: TestApp) async throws {
    let acme = AccountID(trusted: "acme")
    var settings = try #require(try await app.storage.accounts.settings(accountId: acme))
    settings.timeZone = ReportHistory.timeZone
    try await app.storage.accounts.updateSettings(accountId: acme, settings)
    for id in Int64(1)...3 {
        let created = try await app.storage.campaigns.createCampaign(
            accountId: acme, settings: CampaignSettings(name: "campaign \(id)", status: .live, goal: ReportHistory.goals[id]),
            at: app.clock.now())
        #expect(created.id == id)
    }
    try await app.storage.journal.write(ReportHistory.events(account: acme).map(\.event))
    try await app.storage.journal.write(ReportHistory.events(account: AccountID(trusted: "globex")).map(\.event))
}

@Suite struct ReportRouteTests {
    static let november = "from=2026-11-01&to=2026-11-30"

    @Test func theFunnelByCampaignMatchesTheHandCount() async throws {
        try await TestApp.with { app, client in
            try await seedReportHistory(app)
            let response = try await client.call(
                .get, "/api/v1/accounts/acme/reports/funnel?\(Self.november)&groupBy=campaign", key: app.acmeAdmin)
            #expect(response.status == .ok)
            let reply = try response.decoded(FunnelReply.self)
            #expect(reply.from == "2026-11-01" && reply.to == "2026-11-30" && reply.timeZone == "America/New_York")
            #expect(reply.rows.map(\.campaignId) == [1, 2, 3])
            let one = try #require(reply.rows.first)
            let expected = ReportHistory.campaignOne
            for counter in FunnelMetrics.counters {
                #expect(one.int(counter.name) == expected[keyPath: counter.path], "\(counter.name)")
            }
            #expect(one.metrics["revenue"] == .number(280))
            #expect(one.metrics["notShown"] == .object(["controlGroup": .number(1), "behaviourPending": .number(1)]))
            #expect(one.metrics["lift"]?.number.map { abs($0 - (2.0 / 3.0 - 1)) < 1e-9 } == true)
            #expect(reply.rows[1].metrics["lift"] == .null)
        }
    }

    @Test func theAccountByDayFillsEveryDayInTheAccountsZone() async throws {
        try await TestApp.with { app, client in
            try await seedReportHistory(app)
            let reply = try await client.call(
                .get, "/api/v1/accounts/acme/reports/funnel?from=2026-11-01&to=2026-11-12&groupBy=day", key: app.acmeAdmin
            ).decoded(FunnelReply.self)
            #expect(reply.rows.count == 12)
            for row in reply.rows {
                let expected = ReportHistory.visitsByDay[row.day ?? ""] ?? (0, 0)
                #expect(row.int("visits") == expected.visits && row.int("pageViews") == expected.pageViews, "\(row.day ?? "")")
            }
            // One campaign by day: the account's visits beside the campaign's own counts.
            let one = try await client.call(
                .get, "/api/v1/accounts/acme/reports/funnel?\(Self.november)&groupBy=campaign,day&campaignId=1", key: app.acmeAdmin
            ).decoded(FunnelReply.self)
            // 11-05 holds only O-7's cross-session conversion (a2 was no prospect).
            #expect(one.rows.map(\.day) == ["2026-11-02", "2026-11-03", "2026-11-05"])
            #expect(one.rows.map { $0.int("prospects") } == [2, 2, 0])
            #expect(one.rows.map { $0.int("crossSessionConversions") } == [0, 0, 1])
            #expect(one.rows.map { $0.int("visits") } == [2, 2, 2])
            // Whole account, no grouping: one row.
            let total = try await client.call(.get, "/api/v1/accounts/acme/reports/funnel?\(Self.november)", key: app.acmeAdmin)
                .decoded(FunnelReply.self)
            #expect(total.rows.count == 1 && total.rows[0].int("exposures") == 6 && total.rows[0].int("crossSessionConversions") == 2)
            // A range with nothing in it answers zeros, not an error.
            let empty = try await client.call(
                .get, "/api/v1/accounts/acme/reports/funnel?from=2025-01-01&to=2025-01-02", key: app.acmeAdmin
            ).decoded(FunnelReply.self)
            #expect(empty.rows.count == 1 && empty.rows[0].int("visits") == 0)
        }
    }

    @Test func engagementsAndPlacementsAreTheirOwnRows() async throws {
        try await TestApp.with { app, client in
            try await seedReportHistory(app)
            let reply = try await client.call(
                .get, "/api/v1/accounts/acme/reports/funnel?\(Self.november)&groupBy=engagement,placement&campaignId=1",
                key: app.acmeAdmin
            ).decoded(FunnelReply.self)
            #expect(reply.rows.map(\.engagementId) == [11, 12])
            #expect(reply.rows.map(\.placement) == ["toaster", "overlay"])
            #expect(reply.rows.map { $0.int("exposures") } == [2, 1])
            #expect(reply.rows.map { $0.int("clicks") } == [2, 0])
        }
    }

    @Test func csvHasAHeaderAndOneLinePerRow() async throws {
        try await TestApp.with { app, client in
            try await seedReportHistory(app)
            let response = try await client.execute(
                uri: "/api/v1/accounts/acme/reports/funnel?\(Self.november)&groupBy=campaign", method: .get,
                headers: [.authorization: "Bearer \(app.acmeAdmin.bearer)", .accept: "text/csv"])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(response.headers[.contentDisposition]?.contains("funnel-2026-11-01-2026-11-30.csv") == true)
            let lines = response.text.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 4)
            let header = lines[0].split(separator: ",").map(String.init)
            #expect(header.prefix(3) == ["campaignId", "visits", "pageViews"])
            #expect(header.suffix(4) == ["notShown.behaviourPending", "notShown.capped", "notShown.controlGroup", "notShown.declinedBefore"])
            let one = Dictionary(uniqueKeysWithValues: zip(header, lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
            #expect(one["campaignId"] == "1" && one["clicks"] == "2" && one["revenue"] == "280" && one["notShown.capped"] == "0")
            // ?format=csv does the same for a plain link.
            let linked = try await client.call(
                .get, "/api/v1/accounts/acme/reports/funnel?\(Self.november)&groupBy=campaign&format=csv", key: app.acmeAdmin)
            #expect(linked.text == response.text)
            // format=json wins over the header; no header is JSON; other formats and types are refused.
            let url = "/api/v1/accounts/acme/reports/funnel?\(Self.november)"
            let json = try await client.execute(
                uri: "\(url)&format=json", method: .get,
                headers: [.authorization: "Bearer \(app.acmeAdmin.bearer)", .accept: "text/csv, application/json"])
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(json.headers[.contentDisposition] == nil)
            #expect(try await client.call(.get, url, key: app.acmeAdmin).headers[.contentType]?.hasPrefix("application/json") == true)
            let xml = try await client.call(.get, "\(url)&format=xml", key: app.acmeAdmin)
            #expect(xml.status == .badRequest && xml.text.contains("format"), "\(xml.text)")
            let unacceptable = try await client.execute(
                uri: url, method: .get, headers: [.authorization: "Bearer \(app.acmeAdmin.bearer)", .accept: "application/xml"])
            #expect(unacceptable.status == .notAcceptable)
            let abuse = try await client.call(.get, "/api/v1/accounts/acme/reports/abuse?\(Self.november)&format=csv", key: app.acmeAdmin)
            #expect(abuse.headers[.contentDisposition]?.contains("abuse-2026-11-01-2026-11-30.csv") == true)
            #expect(abuse.text.hasPrefix("day,clicksRefused."))
        }
    }

    @Test func customReportsGroupFilterAndMeasureAnyAttribute() async throws {
        try await TestApp.with { app, client in
            try await seedReportHistory(app)
            let base = "/api/v1/accounts/acme/reports/custom?\(Self.november)"
            // Calls by disposition: the latest report of each call (a1's COMPLETED, c1's NO_ANSWER).
            let calls = try await client.call(.get, base + "&attribute=convStatus.disposition", key: app.acmeAdmin)
                .decoded(CustomReply.self)
            #expect(calls.rows == [.init(value: "noAnswer", count: 1), .init(value: "sale", count: 1)])
            // Revenue by customer type: purchases (O-1 once), grouped by the visit's ctmrinfo.
            let revenue = try await client.call(
                .get, base + "&attribute=ctmrinfo.ctype&measure=sum:purchase.total", key: app.acmeAdmin
            ).decoded(CustomReply.self)
            #expect(
                revenue.rows == [
                    .init(value: nil, count: 4, sum: 340, average: 85),  // O-9, O-7, O-20, O-8
                    .init(value: "regular", count: 1, sum: 80, average: 80),  // O-5 (c1)
                    .init(value: "vip", count: 1, sum: 200, average: 200),  // O-1 (a1)
                ])
            #expect(revenue.total == .init(value: nil, count: 6, sum: 620, average: 620.0 / 6))
            // Filtered, and averaged; leads by topic.
            let vip = try await client.call(
                .get, base + "&measure=avg:purchase.total&filter=ctmrinfo.ctype%3Dvip", key: app.acmeAdmin
            ).decoded(CustomReply.self)
            #expect(vip.rows == [.init(value: nil, count: 1, sum: 200, average: 200)])
            let notVip = try await client.call(
                .get, base + "&measure=count&attribute=purchase.orderId&filter=ctmrinfo.ctype!%3Dvip", key: app.acmeAdmin
            ).decoded(CustomReply.self)
            #expect(notVip.total.count == 5)
            let leads = try await client.call(.get, base + "&attribute=lead.topic", key: app.acmeAdmin).decoded(CustomReply.self)
            #expect(leads.rows == [.init(value: "quote", count: 1)])
            // Only visits shown campaign 2: b1 (L-1) and c1.
            let shownTwo = try await client.call(
                .get, base + "&attribute=purchase.orderId&campaignId=2", key: app.acmeAdmin
            ).decoded(CustomReply.self)
            #expect(shownTwo.rows.map(\.value) == ["O-5", "O-9"])
            // CSV.
            let csv = try await client.call(
                .get, base + "&attribute=ctmrinfo.ctype&measure=sum:purchase.total&format=csv", key: app.acmeAdmin)
            #expect(csv.text == "value,count,sum,average\r\n,4,340,85\r\nregular,1,80,80\r\nvip,1,200,200\r\n")
        }
    }

    @Test func badParametersAreNamed() async throws {
        try await TestApp.with { app, client in
            let funnel = "/api/v1/accounts/acme/reports/funnel"
            let custom = "/api/v1/accounts/acme/reports/custom"
            for (path, field) in [
                ("\(funnel)?from=2026-13-01", "from"), ("\(funnel)?from=2026-11-05&to=2026-11-01", "from"),
                ("\(funnel)?from=2024-01-01&to=2026-01-01", "to"), ("\(funnel)?groupBy=campaign,country", "groupBy"),
                ("\(funnel)?campaignId=abc", "campaignId"), ("\(custom)?attribute=convStatus", "attribute"),
                ("\(custom)?attribute=a..b", "attribute"), ("\(custom)?attribute=lead.topic&measure=median:lead.value", "measure"),
                ("\(custom)?measure=count", "attribute"), ("\(custom)?attribute=lead.topic&filter=lead.topic", "filter"),
            ] {
                let response = try await client.call(.get, path, key: app.acmeAdmin)
                #expect(response.status == .badRequest, "\(path)")
                #expect(response.text.contains(field), "\(path): \(response.text)")
            }
        }
    }

    @Test func reportsNeedTheScopeAndStayInTheirAccount() async throws {
        try await TestApp.with { app, client in
            try await seedReportHistory(app)
            let path = "/api/v1/accounts/acme/reports/funnel?\(Self.november)"
            #expect(try await client.call(.get, path).status == .unauthorized)
            #expect(try await client.call(.get, path, key: app.acmeReader).status == .forbidden)
            #expect(try await client.call(.get, path, key: app.globexAdmin).status == .forbidden)
            let analyst = try await app.provisioning.createAPIKey(accountId: "acme", name: "analyst", scopes: [.reportsRead])
            #expect(try await client.call(.get, path, key: analyst).status == .ok)
            #expect(
                try await client.call(.get, "/api/v1/accounts/acme/reports/custom?\(Self.november)&attribute=lead.topic", key: analyst).status == .ok)
            // globex's own copy of the history is counted apart (its zone is UTC, so b1 falls on 11-03).
            let globex = try await client.call(
                .get, "/api/v1/accounts/globex/reports/funnel?\(Self.november)&groupBy=day", key: app.globexAdmin
            ).decoded(FunnelReply.self)
            #expect(globex.timeZone == "UTC")
            #expect(globex.rows.first { $0.day == "2026-11-02" }?.int("visits") == 1)
            #expect(globex.rows.reduce(0) { $0 + ($1.int("visits") ?? 0) } == 7)
        }
    }

    @Test func aClickThroughTheMonitoringAPIIsInTheNextReport() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            _ = try await ClickedVisit.make(client, fixture)
            let reply = try await client.call(.get, "/api/v1/accounts/acme/reports/funnel?groupBy=campaign", key: app.acmeAdmin)
                .decoded(FunnelReply.self)
            let row = try #require(reply.rows.first { $0.campaignId == fixture.campaign.id })
            #expect(row.int("visits") == 1 && row.int("prospects") == 1 && row.int("exposures") == 1 && row.int("clicks") == 1)
        }
    }
}
