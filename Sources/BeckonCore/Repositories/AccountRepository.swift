package import Foundation
package import ServiceLifecycle

/// Accounts and their console users.
package protocol AccountRepository: Sendable {
    /// Stores a new account together with its first admin, both or neither.
    /// Throws `.conflict` when the id is taken.
    func create(_ account: Account, firstAdmin: ConsoleUser) async throws
    func account(id: AccountID) async throws -> Account?
    func accounts() async throws -> [Account]
    /// Throws `.conflict` when the email is taken in this account.
    func addUser(_ user: ConsoleUser) async throws
    func user(accountId: AccountID, email: String) async throws -> ConsoleUser?
    func users(accountId: AccountID) async throws -> [ConsoleUser]
    /// Every account's user with this (lower-cased) email, for signing in by email alone.
    func users(email: String) async throws -> [ConsoleUser]
    /// Changes a user's role; throws `.notFound` when the account has no such user.
    func updateUserRole(accountId: AccountID, userId: String, role: ConsoleRole) async throws
    /// Removes a user; throws `.notFound` when the account has no such user.
    func deleteUser(accountId: AccountID, userId: String) async throws
    /// The account's settings (defaults until changed); nil when there is no such account.
    func settings(accountId: AccountID) async throws -> AccountSettings?
    /// Replaces the settings; throws `.unknownAccount` when there is no such account.
    func updateSettings(accountId: AccountID, _ settings: AccountSettings) async throws
}

/// Sites of an account.
package protocol SiteRepository: Sendable {
    /// Throws `.notFound` when the account does not exist.
    func create(_ site: Site) async throws
    /// The site only when it belongs to `accountId`.
    func site(accountId: AccountID, id: String) async throws -> Site?
    func sites(accountId: AccountID) async throws -> [Site]
}

/// API keys of an account.
package protocol APIKeyRepository: Sendable {
    /// Throws `.notFound` when the account does not exist.
    func create(_ key: APIKey) async throws
    /// A key by its public id, whatever its account (authentication checks the account).
    func key(id: String) async throws -> APIKey?
    func keys(accountId: AccountID) async throws -> [APIKey]
    /// Marks the key revoked at `at`; throws `.notFound` when the account has no such key.
    /// Revoking twice keeps the first time.
    func revoke(accountId: AccountID, id: String, at: Date) async throws
    /// Records a use of the key (callers throttle how often).
    func touch(id: String, at: Date) async throws
}

/// Everything durable, as one value handed to the server and the commands.
package struct Storage: Sendable {
    /// Configuration repositories announce every successful write on `changes` (SPEC §14).
    package private(set) var accounts: any AccountRepository
    package private(set) var sites: any SiteRepository
    package private(set) var apiKeys: any APIKeyRepository
    package private(set) var campaigns: any CampaignRepository
    /// Where `accounts`, `sites`, `apiKeys` and `campaigns` announce their writes; caches subscribe.
    package let changes: ChangeFeed
    /// Where a node claims the visitors it rebuilt and hears the claims of the others.
    package let claims: VisitorClaims
    /// Who does the work that runs on one node at a time.
    package var runOnce: any RunOnceLock
    /// Whether this node hears the other nodes' changes (always, alone); readiness.
    package var hearsOtherNodes: @Sendable () -> Bool
    package var clickKeys: any ClickKeyRepository
    package var journal: any JournalStore
    package var rollups: any RollupRepository
    package var consoleSessions: any ConsoleSessionRepository
    package var abuse: any AbuseRepository
    /// OAuth nonces and console sign-in attempts (shared by every node).
    package var authState: any AuthStateRepository
    /// Which visitor a brand's consumer identity was last seen with (keyed hashes).
    package var identities: any VisitorIdentityRepository
    /// Webhook endpoints, their outbox and the delivery progress.
    package var webhooks: any WebhookRepository
    /// Checks the database answers (readiness).
    package var ping: @Sendable () async throws -> Void
    /// Releases connections; the value must not be used afterwards.
    package var close: @Sendable () async throws -> Void
    /// What must run while the storage is used (PostgreSQL's connection pool): services of the
    /// server's service group, started before and stopped after everything that uses them.
    package var services: [any Service] = []
    /// Checks the database answers and brings or checks its schema, once `services` run (done
    /// already for SQLite).
    package var prepare: @Sendable () async throws -> Void = {}

    package init(
        accounts: any AccountRepository, sites: any SiteRepository, apiKeys: any APIKeyRepository,
        campaigns: any CampaignRepository, clickKeys: any ClickKeyRepository, journal: any JournalStore,
        rollups: any RollupRepository, consoleSessions: any ConsoleSessionRepository, abuse: any AbuseRepository,
        authState: any AuthStateRepository, identities: any VisitorIdentityRepository, webhooks: any WebhookRepository,
        ping: @escaping @Sendable () async throws -> Void,
        close: @escaping @Sendable () async throws -> Void, changes: ChangeFeed = ChangeFeed(),
        claims: VisitorClaims = VisitorClaims()
    ) {
        self.changes = changes
        self.claims = claims
        self.accounts = PublishingAccountRepository(base: accounts, feed: changes)
        self.sites = PublishingSiteRepository(base: sites, feed: changes)
        self.apiKeys = PublishingAPIKeyRepository(base: apiKeys, feed: changes)
        self.campaigns = PublishingCampaignRepository(base: campaigns, feed: changes)
        self.clickKeys = clickKeys
        self.journal = journal
        self.rollups = rollups
        self.consoleSessions = consoleSessions
        self.abuse = abuse
        self.authState = authState
        self.identities = identities
        self.webhooks = webhooks
        self.ping = ping
        self.close = close
        self.runOnce = SingleNodeLock()
        self.hearsOtherNodes = { true }
    }
}
