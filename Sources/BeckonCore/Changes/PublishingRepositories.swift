import Foundation

// The configuration repositories as `Storage` holds them: each successful write is announced on
// the storage's `ChangeFeed`, whatever the database behind them.

struct PublishingCampaignRepository: CampaignRepository {
    let base: any CampaignRepository
    let feed: ChangeFeed

    private func announce<T>(_ accountId: AccountID, _ write: () async throws -> T) async throws -> T {
        let result = try await write()
        feed.publish(.campaigns(accountId))
        return result
    }

    func createCampaign(accountId: AccountID, settings: CampaignSettings, at: Date) async throws -> Campaign {
        try await announce(accountId) { try await base.createCampaign(accountId: accountId, settings: settings, at: at) }
    }
    func campaign(accountId: AccountID, id: Int64) async throws -> Campaign? {
        try await base.campaign(accountId: accountId, id: id)
    }
    func campaigns(accountId: AccountID, status: Campaign.Status?, afterId: Int64, limit: Int) async throws -> [Campaign] {
        try await base.campaigns(accountId: accountId, status: status, afterId: afterId, limit: limit)
    }
    func updateCampaign(accountId: AccountID, id: Int64, settings: CampaignSettings, at: Date) async throws -> Campaign {
        try await announce(accountId) { try await base.updateCampaign(accountId: accountId, id: id, settings: settings, at: at) }
    }
    func createEngagement(
        accountId: AccountID, campaignId: Int64, settings: EngagementSettings, at: Date
    ) async throws
        -> Engagement
    {
        try await announce(accountId) {
            try await base.createEngagement(accountId: accountId, campaignId: campaignId, settings: settings, at: at)
        }
    }
    func engagement(accountId: AccountID, id: Int64) async throws -> Engagement? {
        try await base.engagement(accountId: accountId, id: id)
    }
    func engagement(accountId: AccountID, id: Int64, revision: Int) async throws -> Engagement? {
        try await base.engagement(accountId: accountId, id: id, revision: revision)
    }
    func engagements(accountId: AccountID, campaignId: Int64) async throws -> [Engagement] {
        try await base.engagements(accountId: accountId, campaignId: campaignId)
    }
    func updateEngagement(accountId: AccountID, id: Int64, settings: EngagementSettings, at: Date) async throws -> Engagement {
        try await announce(accountId) { try await base.updateEngagement(accountId: accountId, id: id, settings: settings, at: at) }
    }
    func archiveEngagement(accountId: AccountID, id: Int64, at: Date) async throws -> Engagement {
        try await announce(accountId) { try await base.archiveEngagement(accountId: accountId, id: id, at: at) }
    }
}

struct PublishingAccountRepository: AccountRepository {
    let base: any AccountRepository
    let feed: ChangeFeed

    func create(_ account: Account, firstAdmin: ConsoleUser) async throws {
        try await base.create(account, firstAdmin: firstAdmin)
        // A cache may remember that the account did not exist.
        feed.publish(.settings(account.id))
    }
    func account(id: AccountID) async throws -> Account? { try await base.account(id: id) }
    func accounts() async throws -> [Account] { try await base.accounts() }
    func addUser(_ user: ConsoleUser) async throws { try await base.addUser(user) }
    func user(accountId: AccountID, email: String) async throws -> ConsoleUser? {
        try await base.user(accountId: accountId, email: email)
    }
    func users(accountId: AccountID) async throws -> [ConsoleUser] { try await base.users(accountId: accountId) }
    func users(email: String) async throws -> [ConsoleUser] { try await base.users(email: email) }
    func updateUserRole(accountId: AccountID, userId: String, role: ConsoleRole) async throws {
        try await base.updateUserRole(accountId: accountId, userId: userId, role: role)
    }
    func deleteUser(accountId: AccountID, userId: String) async throws {
        try await base.deleteUser(accountId: accountId, userId: userId)
    }
    func settings(accountId: AccountID) async throws -> AccountSettings? { try await base.settings(accountId: accountId) }
    func updateSettings(accountId: AccountID, _ settings: AccountSettings) async throws {
        try await base.updateSettings(accountId: accountId, settings)
        feed.publish(.settings(accountId))
    }
}

struct PublishingSiteRepository: SiteRepository {
    let base: any SiteRepository
    let feed: ChangeFeed

    func create(_ site: Site) async throws {
        try await base.create(site)
        feed.publish(.sites(site.accountId))
    }
    func site(accountId: AccountID, id: String) async throws -> Site? { try await base.site(accountId: accountId, id: id) }
    func sites(accountId: AccountID) async throws -> [Site] { try await base.sites(accountId: accountId) }
}

struct PublishingAPIKeyRepository: APIKeyRepository {
    let base: any APIKeyRepository
    let feed: ChangeFeed

    func create(_ key: APIKey) async throws {
        try await base.create(key)
        feed.publish(.apiKeys(key.accountId))
    }
    func key(id: String) async throws -> APIKey? { try await base.key(id: id) }
    func keys(accountId: AccountID) async throws -> [APIKey] { try await base.keys(accountId: accountId) }
    func revoke(accountId: AccountID, id: String, at: Date) async throws {
        try await base.revoke(accountId: accountId, id: id, at: at)
        feed.publish(.apiKeys(accountId))
    }
    func touch(id: String, at: Date) async throws { try await base.touch(id: id, at: at) }
}
