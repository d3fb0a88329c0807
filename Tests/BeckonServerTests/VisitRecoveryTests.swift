import BeckonCore
import BeckonServer
import BeckonStorage
import BeckonTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Live visits are memory; the journal is the truth. A fresh server (a restart, or another node
/// behind the load balancer) rebuilds a visitor from the journal before answering.
@Suite struct VisitRecoveryTests {
    @Test func pastTheCapAnEvictedVisitorIsRebuiltFromTheJournalWhenItReturns() async throws {
        try await TestApp.with(maxVisitors: 64) { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let first = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            let store = app.dependencies.liveVisits
            let key = LiveVisitStore.Key(accountId: AccountID(trusted: "acme"), visitorId: try #require(VisitToken(first.visitorId)))
            // New visitors fill the store (one per shard at this cap) until the first one is dropped.
            var newcomers = 0
            while store.contains(key), newcomers < 500 {
                if newcomers % 100 == 99 { app.clock.advance(by: 60) }  // under the new-visitor limit per address
                #expect(try await client.pageView(fixture.engagementPath).status == .created)
                newcomers += 1
            }
            #expect(!store.contains(key), "dropped after \(newcomers) newer visitors")
            #expect(store.visitorCount <= 64)
            // It comes back: the same visit goes on, rebuilt from the journal.
            let back = try await client.pageView(fixture.engagementPath + "&vid=\(first.visitorId)&sid=\(first.sessionId)")
            #expect(back.status == .ok)
            let answer = try back.decoded(EngagementReply.self)
            #expect(answer.sessionId == first.sessionId && answer.pageId == "2")
            #expect(store.contains(key))
        }
    }

    @Test func aRestartedServerKnowsTheVisitItsContextsAndItsCaps() async throws {
        try await TestStorage.withSQLite { storage, _ in
            let clock = ManualClock()
            let box = try SecretBox(masterKey: SecretBox.generateMasterKey())
            let logger = Logger(label: "beckon.test")
            func app() throws -> some ApplicationProtocol {
                let dependencies = AppDependencies(
                    storage: storage, journal: GroupCommitJournal(store: storage.journal, logger: logger), secretBox: box,
                    clock: clock, passwordHasher: PasswordHasher(iterations: 1000), logger: logger)
                return try buildApplication(configuration: BeckonConfiguration(port: 0), dependencies: dependencies)
            }
            let provisioning = Provisioning(
                storage: storage, issuer: APIKeyIssuer(secretBox: box, clock: clock), hasher: PasswordHasher(iterations: 1000),
                clock: clock)
            _ = try await provisioning.createAccount(id: "acme", name: nil, adminEmail: "admin@acme.example")
            let (site, _) = try await provisioning.createSite(accountId: "acme", name: "Shop", origins: ["https://www.acme.example"])
            let campaign = try await storage.campaigns.createCampaign(
                accountId: AccountID(trusted: "acme"), settings: CampaignSettings(name: "Callback", status: .live), at: clock.now())
            _ = try await storage.campaigns.createEngagement(
                accountId: AccountID(trusted: "acme"), campaignId: campaign.id,
                settings: CampaignFixtures.engagement(1, campaign: campaign.id).settings, at: clock.now())
            let path = "/api/account/acme/app/\(site.id)"

            // First server: a page view offers context 1.
            let first = try await app().test(.router) { client in
                try await client.pageView("\(path)/engagement?v=1.0").decoded(EngagementReply.self)
            }
            let detail = try #require(first.engagementDetails?.first)
            #expect(detail.contextId == "1")

            // Second server, same storage, empty memory.
            clock.advance(by: 60)
            try await app().test(.router) { client in
                let report = "\(path)/report?v=1.0&vid=\(first.visitorId)&sid=\(first.sessionId)"
                let clicked = try await client.report(report, "[\(impression("impDisplay", detail)),\(impression("impAccept", detail))]")
                #expect(clicked.status == .ok, "context 1 of the visit is known after the restart")
                #expect(try clicked.decoded(ReportReply.self).clickThrough != nil)
                let next = try await client.pageView("\(path)/engagement?v=1.0&vid=\(first.visitorId)&sid=\(first.sessionId)")
                #expect(next.status == .ok, "the same visit continues")
                let answer = try next.decoded(EngagementReply.self)
                #expect(answer.pageId == "2")
                #expect(answer.engagementDetails == nil, "offered once per visit, and the cap of 1 is used")
            }

            // Third server: the click is in the rebuilt visit too; its one validation is used here.
            let key = try await provisioning.createAPIKey(accountId: "acme", name: "call page", scopes: [.engagementValidate])
            let validate =
                "/api/account/acme/monitoring/visitors/\(first.visitorId)/visits/current/campaigns/\(detail.campaignId)"
                + "/engagements/\(detail.engagementId)/contexts/1?v=1&sid=\(first.sessionId)"
            try await app().test(.router) { client in
                #expect(try await client.call(.get, validate, key: key).status == .ok)
                let events = try await storage.journal.events(
                    accountId: AccountID(trusted: "acme"), visitorId: first.visitorId, since: .distantPast, limit: 100)
                #expect(
                    events.map(\.event.kind.rawValue) == [
                        "pageView", "decision", "impression", "impression", "click", "pageView", "decision", "validation",
                    ])
                let report = "\(path)/report?v=1.0&vid=\(first.visitorId)&sid=\(first.sessionId)"
                let stale = try await client.report(report, "[\(impression("impDisplay", detail, context: "2"))]")
                #expect(stale.status == .badRequest, "no context 2 was issued")
            }
            // Fourth server: the used validation was journaled, so a replayed link stays refused.
            try await app().test(.router) { client in
                let replayed = try await client.call(.get, validate, key: key)
                #expect(replayed.status == .notFound)
            }
        }
    }
}
