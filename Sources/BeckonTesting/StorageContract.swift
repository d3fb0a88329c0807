package import BeckonCore
package import BeckonStorage
import Foundation
package import Testing

/// The behaviour every storage backend must have. Each check gets fresh, migrated storage;
/// `BeckonStorageTests` runs all of them on SQLite and, when a test cluster is running, on
/// PostgreSQL.
package struct StorageContractCheck: Sendable, CustomTestStringConvertible {
    package let name: String
    package let run: @Sendable (Storage, StorageConfiguration) async throws -> Void

    package var testDescription: String { name }
}

package enum StorageContract {
    package static let checks: [StorageContractCheck] =
        accountChecks + siteChecks + apiKeyChecks + journalChecks + campaignChecks + settingsChecks + clickKeyChecks
        + rollupChecks + consoleSessionChecks + userChecks + erasureChecks + abuseChecks + authStateChecks + identityChecks
        + changeChecks + visitorPlaceChecks + webhookChecks

    static let t0 = Date(millisecondsSince1970: 1_790_000_000_000)

    static func account(_ id: String) -> Account {
        Account(id: AccountID(trusted: id), name: "Brand \(id)", timeZone: "Europe/Berlin", currency: "EUR", createdAt: t0)
    }

    static func admin(of account: String, email: String = "admin@brand.example") -> ConsoleUser {
        ConsoleUser(
            id: ConsoleUser.makeID(), accountId: AccountID(trusted: account), email: email, role: .admin,
            passwordHash: "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", createdAt: t0)
    }

    /// Creates accounts `acme` and `globex`, the two tenants most checks use.
    static func twoAccounts(_ storage: Storage) async throws {
        try await storage.accounts.create(account("acme"), firstAdmin: admin(of: "acme"))
        try await storage.accounts.create(account("globex"), firstAdmin: admin(of: "globex"))
    }

    static func check(_ name: String, _ run: @escaping @Sendable (Storage) async throws -> Void) -> StorageContractCheck {
        StorageContractCheck(name: name) { storage, _ in try await run(storage) }
    }

    static let accountChecks: [StorageContractCheck] = [
        check("storesAccountWithFirstAdmin") { storage in
            let admin = admin(of: "acme")
            try await storage.accounts.create(account("acme"), firstAdmin: admin)
            #expect(try await storage.accounts.account(id: AccountID(trusted: "acme")) == account("acme"))
            #expect(try await storage.accounts.user(accountId: AccountID(trusted: "acme"), email: "ADMIN@brand.example") == admin)
            #expect(try await storage.accounts.accounts().map(\.id.rawValue) == ["acme"])
            #expect(try await storage.accounts.account(id: AccountID(trusted: "nobody")) == nil)
        },
        check("refusesDuplicateAccountAndKeepsTheFirst") { storage in
            try await storage.accounts.create(account("acme"), firstAdmin: admin(of: "acme"))
            var second = account("acme")
            second.name = "Impostor"
            await #expect(throws: BeckonError.conflict("account 'acme' exists already")) {
                try await storage.accounts.create(second, firstAdmin: admin(of: "acme", email: "other@brand.example"))
            }
            #expect(try await storage.accounts.account(id: AccountID(trusted: "acme"))?.name == "Brand acme")
            // Both or neither: the failed create left no second admin behind.
            #expect(try await storage.accounts.users(accountId: AccountID(trusted: "acme")).count == 1)
        },
        check("refusesDuplicateUserEmailWithinAccountOnly") { storage in
            try await twoAccounts(storage)
            await #expect(throws: BeckonError.self) {
                try await storage.accounts.addUser(admin(of: "acme"))
            }
            try await storage.accounts.addUser(admin(of: "acme", email: "analyst@brand.example"))
            #expect(try await storage.accounts.users(accountId: AccountID(trusted: "acme")).count == 2)
            #expect(try await storage.accounts.users(accountId: AccountID(trusted: "globex")).count == 1)
        },
        check("refusesUserOfUnknownAccount") { storage in
            await #expect(throws: BeckonError.unknownAccount("nobody")) {
                try await storage.accounts.addUser(admin(of: "nobody"))
            }
        },
    ]

    static func site(_ id: String, of account: String) -> Site {
        Site(
            id: id, accountId: AccountID(trusted: account), name: "Shop", allowedOrigins: ["https://shop.example", "http://localhost:3000"],
            debugKeyHash: Site.hashDebugKey("dbg-\(id)"),
            createdAt: t0)
    }

    static let siteChecks: [StorageContractCheck] = [
        check("storesSitesPerAccount") { storage in
            try await twoAccounts(storage)
            try await storage.sites.create(site("s_a1", of: "acme"))
            try await storage.sites.create(site("s_a2", of: "acme"))
            try await storage.sites.create(site("s_g1", of: "globex"))
            #expect(try await storage.sites.site(accountId: AccountID(trusted: "acme"), id: "s_a1") == site("s_a1", of: "acme"))
            #expect(try await storage.sites.sites(accountId: AccountID(trusted: "acme")).map(\.id) == ["s_a1", "s_a2"])
        },
        check("neverShowsAnotherAccountsSite") { storage in
            try await twoAccounts(storage)
            try await storage.sites.create(site("s_g1", of: "globex"))
            #expect(try await storage.sites.site(accountId: AccountID(trusted: "acme"), id: "s_g1") == nil)
            #expect(try await storage.sites.sites(accountId: AccountID(trusted: "acme")).isEmpty)
        },
        check("refusesSiteOfUnknownAccount") { storage in
            await #expect(throws: BeckonError.unknownAccount("nobody")) {
                try await storage.sites.create(site("s_x", of: "nobody"))
            }
        },
    ]

    static func key(_ id: String, of account: String, scopes: Set<Scope> = [.visitRead]) -> APIKey {
        APIKey(
            id: id, accountId: AccountID(trusted: account), name: "Backend", scopes: scopes,
            bearerSecretHash: Array(repeating: 7, count: 32), oauthToken: "tok-\(id)", sealedConsumerSecret: [1, 2, 3],
            sealedTokenSecret: [4, 5, 6, 0, 255], createdAt: t0)
    }

    static let apiKeyChecks: [StorageContractCheck] = [
        check("storesAPIKeyExactly") { storage in
            try await twoAccounts(storage)
            let stored = key("k1", of: "acme", scopes: [.visitRead, .eventsWrite, .admin])
            try await storage.apiKeys.create(stored)
            #expect(try await storage.apiKeys.key(id: "k1") == stored)
            #expect(try await storage.apiKeys.key(id: "k2") == nil)
        },
        check("listsOnlyTheAccountsKeys") { storage in
            try await twoAccounts(storage)
            try await storage.apiKeys.create(key("k1", of: "acme"))
            try await storage.apiKeys.create(key("k2", of: "globex"))
            #expect(try await storage.apiKeys.keys(accountId: AccountID(trusted: "acme")).map(\.id) == ["k1"])
        },
        check("revokesOnceAndKeepsTheFirstTime") { storage in
            try await twoAccounts(storage)
            try await storage.apiKeys.create(key("k1", of: "acme"))
            let acme = AccountID(trusted: "acme")
            try await storage.apiKeys.revoke(accountId: acme, id: "k1", at: t0.addingTimeInterval(60))
            try await storage.apiKeys.revoke(accountId: acme, id: "k1", at: t0.addingTimeInterval(120))
            #expect(try await storage.apiKeys.key(id: "k1")?.revokedAt == t0.addingTimeInterval(60))
        },
        check("cannotRevokeAnotherAccountsKey") { storage in
            try await twoAccounts(storage)
            try await storage.apiKeys.create(key("k1", of: "globex"))
            await #expect(throws: BeckonError.notFound("API key 'k1' in account 'acme'")) {
                try await storage.apiKeys.revoke(accountId: AccountID(trusted: "acme"), id: "k1", at: t0)
            }
            #expect(try await storage.apiKeys.key(id: "k1")?.isRevoked == false)
        },
        check("recordsLastUse") { storage in
            try await twoAccounts(storage)
            try await storage.apiKeys.create(key("k1", of: "acme"))
            try await storage.apiKeys.touch(id: "k1", at: t0.addingTimeInterval(5))
            #expect(try await storage.apiKeys.key(id: "k1")?.lastUsedAt == t0.addingTimeInterval(5))
        },
        check("refusesKeyOfUnknownAccount") { storage in
            await #expect(throws: BeckonError.unknownAccount("nobody")) {
                try await storage.apiKeys.create(key("k1", of: "nobody"))
            }
        },
    ]

    static func event(
        _ account: String, at seconds: TimeInterval, visitor: String? = "v1", payload: String = "{}"
    )
        -> JournalEvent
    {
        JournalEvent(
            accountId: AccountID(trusted: account), kind: .pageView, occurredAt: t0.addingTimeInterval(seconds),
            visitorId: visitor, sessionId: visitor.map { "s-\($0)" }, payload: payload)
    }

    static let journalChecks: [StorageContractCheck] = [
        check("journalReadsBackByAccountAndHalfOpenTimeRange") { storage in
            try await storage.journal.write([
                event("acme", at: 0), event("acme", at: 10), event("globex", at: 10), event("acme", at: 20),
            ])
            let read = try await storage.journal.events(
                JournalQuery(accountId: AccountID(trusted: "acme"), from: t0, to: t0.addingTimeInterval(20)))
            #expect(read.map(\.event) == [event("acme", at: 0), event("acme", at: 10)])
            #expect(read.map(\.sequence) == read.map(\.sequence).sorted())
        },
        check("journalPagesBySequence") { storage in
            try await storage.journal.write((0..<25).map { event("acme", at: Double($0)) })
            var query = JournalQuery(accountId: AccountID(trusted: "acme"), from: t0, to: t0.addingTimeInterval(100), limit: 10)
            var seen: [StoredEvent] = []
            while true {
                let page = try await storage.journal.events(query)
                if page.isEmpty { break }
                seen += page
                query.afterSequence = page.last!.sequence
            }
            #expect(seen.map(\.event) == (0..<25).map { event("acme", at: Double($0)) })
        },
        check("journalReadsByVisitorWithinAccount") { storage in
            try await storage.journal.write([
                event("acme", at: 1, visitor: "v1"), event("acme", at: 2, visitor: "v2"),
                event("globex", at: 3, visitor: "v1"), event("acme", at: 4, visitor: "v1"), event("acme", at: 5, visitor: nil),
            ])
            let acme = AccountID(trusted: "acme")
            let read = try await storage.journal.events(accountId: acme, visitorId: "v1", since: t0, limit: 100)
            #expect(read.map(\.event) == [event("acme", at: 1, visitor: "v1"), event("acme", at: 4, visitor: "v1")])
            // The most recent ones, still in order; and nothing before `since`.
            let last = try await storage.journal.events(accountId: acme, visitorId: "v1", since: t0, limit: 1)
            #expect(last.map(\.event) == [event("acme", at: 4, visitor: "v1")])
            let recent = try await storage.journal.events(
                accountId: acme, visitorId: "v1", since: t0.addingTimeInterval(2), limit: 100)
            #expect(recent.map(\.event) == [event("acme", at: 4, visitor: "v1")])
        },
        check("journalKeepsPayloadAndLargeBatchesWhole") { storage in
            let payload = #"{"title":"Grüße — 東京 \"quoted\"","n":1}"#
            let batch = (0..<1234).map { event("acme", at: Double($0), payload: payload) }
            try await storage.journal.write(batch)
            #expect(try await storage.journal.count() == 1234)
            let read = try await storage.journal.events(
                JournalQuery(accountId: AccountID(trusted: "acme"), from: t0, to: t0.addingTimeInterval(5000), limit: 5000))
            #expect(read.map(\.event) == batch)
        },
        StorageContractCheck(name: "groupCommitMakesEveryConcurrentAppendDurable") { storage, _ in
            let journal = GroupCommitJournal(
                store: storage.journal, configuration: .init(maxBatchEvents: 100), logger: TestStorage.logger)
            let writer = Task { try await journal.run() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for appender in 0..<64 {
                    group.addTask {
                        for round in 0..<5 {
                            try await journal.append([
                                event("acme", at: Double(round), visitor: "v\(appender)"),
                                event("acme", at: Double(round), visitor: "v\(appender)"),
                            ])
                        }
                    }
                }
                try await group.waitForAll()
            }
            // Every append returned, so every event must already be readable.
            #expect(try await storage.journal.count() == 64 * 5 * 2)
            let one = try await journal.events(accountId: AccountID(trusted: "acme"), visitorId: "v7", since: t0, limit: 100)
            #expect(one.count == 10)
            journal.close()
            try await writer.value
            await #expect(throws: BeckonError.journalClosed) { try await journal.append([event("acme", at: 0)]) }
        },
        StorageContractCheck(name: "migratingTwiceChangesNothing") { storage, configuration in
            try await StorageFactory.withDatabase(configuration, logger: TestStorage.logger) { database in
                let migrator = Migrator(database: database)
                #expect(try await migrator.migrate().isEmpty)
                let status = try await migrator.status()
                #expect(status == .init(current: Migration.latestVersion, latest: Migration.latestVersion))
                try await migrator.requireCurrent()
            }
            try await storage.ping()
        },
    ]
}
