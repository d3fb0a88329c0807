import BeckonCore
import BeckonServer
import BeckonStorage
import BeckonTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The caches on the page-view path follow the storage's change events, whoever made the change
/// (SPEC §14): the management API, a command, another service — not a route remembering to clear them.
@Suite struct ChangeEventTests {
    @Test func aCampaignPausedOrAddedStraightInStorageIsDecidedOnTheNextPageView() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let first = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            #expect(first.engagementDetails?.count == 1, "the catalog is built and cached")

            var paused = fixture.campaign.settings
            paused.status = .paused
            _ = try await app.storage.campaigns.updateCampaign(
                accountId: fixture.campaign.accountId, id: fixture.campaign.id, settings: paused, at: app.clock.now())
            let afterPause = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            #expect(afterPause.engagementDetails == nil, "paused: no longer offered")

            let other = try await app.storage.campaigns.createCampaign(
                accountId: fixture.campaign.accountId, settings: CampaignSettings(name: "New", status: .live), at: app.clock.now())
            let added = try await app.storage.campaigns.createEngagement(
                accountId: other.accountId, campaignId: other.id,
                settings: CampaignFixtures.engagement(9, campaign: other.id).settings, at: app.clock.now())
            let afterAdd = try await client.pageView(fixture.engagementPath).decoded(EngagementReply.self)
            #expect(afterAdd.engagementDetails?.map(\.engagementId) == [added.id], "a new campaign is offered at once")
        }
    }

    @Test func aSiteCreatedAfterAMissIsFoundAtOnce() async throws {
        try await TestApp.with { app, client in
            let site = Site(
                id: "s_later", accountId: AccountID(trusted: "acme"), name: "Later", allowedOrigins: [MonitoringFixture.origin],
                debugKeyHash: Site.hashDebugKey("dbg"), createdAt: app.clock.now())
            let path = "/api/account/acme/app/\(site.id)/engagement?v=1.0"
            let missing = try await client.pageView(path)
            #expect(missing.status == .notFound && missing.envelope?.internalCode == 18)
            try await app.storage.sites.create(site)
            #expect(try await client.pageView(path).status == .created, "not the cached miss")
        }
    }

    @Test func aWriteTheFeedNeverHeardIsSeenAfterEverything() async throws {
        try await TestStorage.withSQLite { storage, configuration in
            let acme = AccountID(trusted: "acme")
            try await storage.accounts.create(
                Account(id: acme, name: "Acme", timeZone: "UTC", currency: "USD", createdAt: CampaignFixtures.epoch),
                firstAdmin: ConsoleUser(
                    id: ConsoleUser.makeID(), accountId: acme, email: "a@acme.example", role: .admin, passwordHash: "x",
                    createdAt: CampaignFixtures.epoch))
            let catalog = CampaignCatalog(storage: storage)
            #expect(try await catalog.index(for: acme).campaigns.isEmpty)
            // Another node on the same database: its writes are announced on its own feed only
            // (until issue 18's relay carries them), so this node's catalog is stale…
            try await StorageFactory.open(configuration, schema: .requireCurrent, logger: TestStorage.logger) { other in
                _ = try await other.campaigns.createCampaign(
                    accountId: acme, settings: CampaignSettings(name: "Elsewhere", status: .live), at: CampaignFixtures.epoch)
            }
            #expect(try await catalog.index(for: acme).campaigns.isEmpty)
            // …until the relay, having lost its connection, says changes may have been missed.
            storage.changes.publish(.everything)
            #expect(try await catalog.index(for: acme).campaigns.map(\.campaign.settings.name) == ["Elsewhere"])
        }
    }
}
