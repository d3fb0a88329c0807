import Foundation

/// The operator's and admin's verbs — create accounts, sites and keys, revoke keys — with their
/// validation, shared by the command line and the management API.
package struct Provisioning: Sendable {
    package struct NewAccount: Sendable, Codable, Equatable {
        package var accountId: String
        package var adminEmail: String
        /// Shown once; only its hash is stored.
        package var adminPassword: String
    }

    private let storage: Storage
    private let issuer: APIKeyIssuer
    private let hasher: PasswordHasher
    private let clock: any WallClock

    package init(storage: Storage, issuer: APIKeyIssuer, hasher: PasswordHasher, clock: any WallClock) {
        self.storage = storage
        self.issuer = issuer
        self.hasher = hasher
        self.clock = clock
    }

    package func createAccount(
        id: String, name: String?, adminEmail: String, timeZone: String = Account.defaultTimeZone,
        currency: String = Account.defaultCurrency
    ) async throws -> NewAccount {
        let accountID = try AccountID(id)
        let name = name ?? id
        try Account.validate(name: name, timeZone: timeZone, currency: currency)
        let email = try ConsoleUser.normalizeEmail(adminEmail)
        let password = PasswordHasher.generatePassword()
        let now = clock.now()
        let account = Account(id: accountID, name: name, timeZone: timeZone, currency: currency, createdAt: now)
        let admin = ConsoleUser(
            id: ConsoleUser.makeID(), accountId: accountID, email: email, role: .admin,
            passwordHash: hasher.hash(password), createdAt: now)
        try await storage.accounts.create(account, firstAdmin: admin)
        return NewAccount(accountId: accountID.rawValue, adminEmail: email, adminPassword: password)
    }

    package struct NewUser: Sendable, Codable, Equatable {
        package var id: String
        package var accountId: String
        package var email: String
        package var role: String
        /// Shown once; only its hash is stored.
        package var password: String
    }

    /// A console user of an existing account, with a generated password.
    package func createUser(accountId: String, email: String, role: String) async throws -> NewUser {
        let account = try await existingAccount(accountId)
        guard let role = ConsoleRole(rawValue: role) else {
            throw BeckonError.invalidInput(field: "role", reason: "must be admin, campaignManager or analyst")
        }
        let email = try ConsoleUser.normalizeEmail(email, field: "email")
        let password = PasswordHasher.generatePassword()
        let id = ConsoleUser.makeID()
        try await storage.accounts.addUser(
            ConsoleUser(
                id: id, accountId: account, email: email, role: role, passwordHash: hasher.hash(password), createdAt: clock.now()))
        return NewUser(id: id, accountId: account.rawValue, email: email, role: role.rawValue, password: password)
    }

    /// A new site and its debug key, which exists in plaintext only in this answer.
    package func createSite(accountId: String, name: String?, origins: [String]) async throws -> (site: Site, debugKey: String) {
        let account = try await existingAccount(accountId)
        let name = name ?? "Website"
        try Site.validate(name: name)
        guard !origins.isEmpty else {
            throw BeckonError.invalidInput(field: "allowedOrigins", reason: "at least one origin is needed")
        }
        var normalized: [String] = []
        for origin in origins {
            let value = try Site.normalizeOrigin(origin)
            if !normalized.contains(value) { normalized.append(value) }
        }
        let debugKey = "dbg_" + RandomToken.make(byteCount: 24)
        let site = Site(
            id: Site.makeID(), accountId: account, name: name, allowedOrigins: normalized,
            debugKeyHash: Site.hashDebugKey(debugKey), createdAt: clock.now())
        try await storage.sites.create(site)
        return (site, debugKey)
    }

    package func createAPIKey(accountId: String, name: String?, scopes: Set<Scope>) async throws -> IssuedAPIKey {
        let account = try await existingAccount(accountId)
        let name = name ?? "API key"
        guard (1...200).contains(name.unicodeScalars.count) else {
            throw BeckonError.invalidInput(field: "name", reason: "must be 1 to 200 characters")
        }
        let (stored, issued) = issuer.issue(account: account, name: name, scopes: scopes)
        try await storage.apiKeys.create(stored)
        return issued
    }

    package func revokeAPIKey(accountId: String, keyId: String) async throws {
        let account = try await existingAccount(accountId)
        try await storage.apiKeys.revoke(accountId: account, id: keyId, at: clock.now())
    }

    private func existingAccount(_ id: String) async throws -> AccountID {
        let accountID = try AccountID(id)
        guard try await storage.accounts.account(id: accountID) != nil else {
            throw BeckonError.unknownAccount(id)
        }
        return accountID
    }
}
