import Foundation
import Synchronization

/// The compiled `CampaignIndex` of every account that has had page views, built on first use and
/// rebuilt after a change of the account's campaigns, engagements or settings, which it hears from
/// the storage's change feed (SPEC §14). Concurrent page views during a rebuild share one build.
package final class CampaignCatalog: Sendable {
    private let campaigns: any CampaignRepository
    private let accounts: any AccountRepository
    private let entries = Mutex<(next: UInt64, builds: [AccountID: Entry])>((0, [:]))
    private let subscription = Mutex<Subscription?>(nil)

    private struct Entry {
        var id: UInt64
        var build: Task<CampaignIndex, any Error>
    }

    package init(campaigns: any CampaignRepository, accounts: any AccountRepository, changes: ChangeFeed? = nil) {
        self.campaigns = campaigns
        self.accounts = accounts
        let subscription = changes?.subscribe { [weak self] change in
            switch change {
            case .campaigns(let id), .settings(let id): self?.invalidate(id)
            case .everything: self?.invalidateAll()
            case .sites, .apiKeys: break
            }
        }
        self.subscription.withLock { $0 = subscription }
    }

    /// The catalog of `storage`, kept current by its change feed.
    package convenience init(storage: Storage) {
        self.init(campaigns: storage.campaigns, accounts: storage.accounts, changes: storage.changes)
    }

    /// The account's index; throws `.unknownAccount` when there is no such account.
    package func index(for accountId: AccountID) async throws -> CampaignIndex {
        let entry = entries.withLock { state -> Entry in
            if let entry = state.builds[accountId] { return entry }
            state.next += 1
            let entry = Entry(id: state.next, build: makeBuild(accountId))
            state.builds[accountId] = entry
            return entry
        }
        do {
            return try await entry.build.value
        } catch {
            // A failed build (storage down, account gone) is not kept.
            entries.withLock { state in
                if state.builds[accountId]?.id == entry.id { state.builds[accountId] = nil }
            }
            throw error
        }
    }

    /// Forgets the account's index; the next page view builds a new one from storage.
    package func invalidate(_ accountId: AccountID) {
        _ = entries.withLock { $0.builds.removeValue(forKey: accountId) }
    }

    /// Forgets every index (changes may have been missed).
    package func invalidateAll() {
        entries.withLock { $0.builds.removeAll() }
    }

    private func makeBuild(_ accountId: AccountID) -> Task<CampaignIndex, any Error> {
        let campaigns = self.campaigns
        let accounts = self.accounts
        return Task {
            guard let settings = try await accounts.settings(accountId: accountId) else {
                throw BeckonError.unknownAccount(accountId.rawValue)
            }
            var live: [(Campaign, [Engagement])] = []
            var after: Int64 = 0
            while true {
                let page = try await campaigns.campaigns(accountId: accountId, status: .live, afterId: after, limit: 500)
                for campaign in page {
                    live.append((campaign, try await campaigns.engagements(accountId: accountId, campaignId: campaign.id)))
                }
                guard page.count == 500, let last = page.last else { break }
                after = last.id
            }
            return CampaignIndex(accountId: accountId, settings: settings, campaigns: live)
        }
    }
}
