import BeckonCore
import Foundation
import Synchronization
import Testing

extension StorageContract {
    /// Every successful configuration write is announced on the storage's change feed, once, with
    /// its account; reads and failed writes announce nothing (SPEC §14).
    static let changeChecks: [StorageContractCheck] = [
        check("configurationWritesAreAnnouncedAndNothingElse") { storage in
            let heard = Mutex<[ConfigurationChange]>([])
            let subscription = storage.changes.subscribe { change in heard.withLock { $0.append(change) } }
            defer { subscription.cancel() }
            func take() -> [ConfigurationChange] {
                heard.withLock { heard in
                    defer { heard = [] }; return heard
                }
            }

            try await twoAccounts(storage)
            #expect(take() == [.settings(acme), .settings(globex)], "a new account")
            let campaign = try await storage.campaigns.createCampaign(accountId: acme, settings: campaignSettings, at: t0)
            _ = try await storage.campaigns.updateCampaign(accountId: acme, id: campaign.id, settings: campaignSettings, at: t0)
            let engagement = try await storage.campaigns.createEngagement(
                accountId: acme, campaignId: campaign.id, settings: banner(), at: t0)
            _ = try await storage.campaigns.updateEngagement(accountId: acme, id: engagement.id, settings: banner("v2"), at: t0)
            _ = try await storage.campaigns.archiveEngagement(accountId: acme, id: engagement.id, at: t0)
            #expect(take() == Array(repeating: .campaigns(acme), count: 5))
            try await storage.accounts.updateSettings(accountId: globex, AccountSettings())
            try await storage.sites.create(site("s_g1", of: "globex"))
            try await storage.apiKeys.create(key("k1", of: "acme"))
            try await storage.apiKeys.revoke(accountId: acme, id: "k1", at: t0)
            #expect(take() == [.settings(globex), .sites(globex), .apiKeys(acme), .apiKeys(acme)])

            // Reads, failed writes and what is not configuration: nothing.
            _ = try await storage.campaigns.campaigns(accountId: acme, status: nil, afterId: 0, limit: 10)
            _ = try await storage.accounts.settings(accountId: acme)
            _ = try await storage.sites.sites(accountId: globex)
            try await storage.apiKeys.touch(id: "k1", at: t0)
            await #expect(throws: BeckonError.self) {
                try await storage.campaigns.updateCampaign(accountId: globex, id: campaign.id, settings: campaignSettings, at: t0)
            }
            await #expect(throws: BeckonError.self) { try await storage.sites.create(site("s_x", of: "nobody")) }
            #expect(take() == [])
        },
        check("theChangeFeedIsAlsoAnAsyncSequence") { storage in
            let changes = storage.changes.changes()
            try await storage.accounts.create(account("acme"), firstAdmin: admin(of: "acme"))
            try await storage.sites.create(site("s_a1", of: "acme"))
            var iterator = changes.makeAsyncIterator()
            #expect(await iterator.next() == .settings(acme))
            #expect(await iterator.next() == .sites(acme))
        },
    ]
}
