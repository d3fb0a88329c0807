import BeckonCore
import BeckonStorage
import BeckonTesting
import Foundation
import Logging
import Testing

/// The `beckon` commands as an operator runs them: output, exit codes, and what they store.
@Suite struct CommandTests {
    struct NewAccount: Decodable {
        var accountId: String
        var adminEmail: String
        var adminPassword: String
    }

    struct NewSite: Decodable {
        var siteId: String
        var debugKey: String
    }

    @Test func accountCreatePrintsTheAdminPasswordOnce() throws {
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        let result = try beckon.run("account", "create", "acme", "--name", "Acme Inc.", "--admin-email", "Ana@Acme.example", "--json")
        #expect(result.status == 0)
        let created = try beckon.json(NewAccount.self, result)
        #expect(created.accountId == "acme")
        #expect(created.adminEmail == "ana@acme.example")
        #expect(created.adminPassword.count == 20)
        // The database holds a hash, never the password.
        let database = try Data(contentsOf: beckon.folder.appendingPathComponent("data/beckon.sqlite"))
        #expect(database.range(of: Data(created.adminPassword.utf8)) == nil)
        #expect(database.range(of: Data("pbkdf2-sha256$600000$".utf8)) != nil)

        let human = try beckon.run("account", "create", "globex", "--admin-email", "bo@globex.example")
        #expect(human.status == 0)
        #expect(human.stdout.contains("password: "))
    }

    @Test func accountCreateRefusesBadAndDuplicateInput() throws {
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        #expect(try beckon.run("account", "create", "acme", "--admin-email", "a@acme.example").status == 0)
        let duplicate = try beckon.run("account", "create", "acme", "--admin-email", "b@acme.example")
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr == "beckon: account 'acme' exists already\n")
        let malformed = try beckon.run("account", "create", "Not_OK", "--admin-email", "a@b.example")
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("invalid accountId"))
        let badEmail = try beckon.run("account", "create", "initech", "--admin-email", "nobody")
        #expect(badEmail.status == 2)
        let badZone = try beckon.run("account", "create", "initech", "--admin-email", "a@i.example", "--time-zone", "Mars/Base")
        #expect(badZone.status == 2)
        let missing = try beckon.run("account", "create", "initech")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--admin-email"))
    }

    @Test func siteCreateAnswersTheSiteIdAndChecksOrigins() throws {
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        try beckon.run("account", "create", "acme", "--admin-email", "a@acme.example")
        let created = try beckon.run("site", "create", "acme", "--origin", "https://www.acme.example", "--origin", "http://localhost:3000", "--json")
        #expect(created.status == 0)
        let site = try beckon.json(NewSite.self, created)
        #expect(site.siteId.hasPrefix("s_"))
        #expect(site.debugKey.hasPrefix("dbg_"))
        let database = try Data(contentsOf: beckon.folder.appendingPathComponent("data/beckon.sqlite"))
        #expect(database.range(of: Data(site.debugKey.utf8)) == nil, "the debug key is stored only hashed")
        #expect(try beckon.run("site", "create", "nobody", "--origin", "https://x.example").status == 1)
        #expect(try beckon.run("site", "create", "acme", "--origin", "https://x.example/path").status == 2)
        #expect(try beckon.run("site", "create", "acme").status == 2)
    }

    @Test func apikeyCreateAndRevoke() throws {
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        try beckon.run("account", "create", "acme", "--admin-email", "a@acme.example")
        let created = try beckon.run("apikey", "create", "acme", "--scopes", "visit:read,events:write", "--json")
        #expect(created.status == 0)
        let key = try beckon.json(IssuedAPIKey.self, created)
        #expect(key.scopes == ["events:write", "visit:read"])
        #expect(key.bearer.hasPrefix("bk_\(key.id)_"))
        #expect([key.oauth1.consumerKey, key.oauth1.consumerSecret, key.oauth1.token, key.oauth1.tokenSecret].allSatisfy { !$0.isEmpty })
        let database = try Data(contentsOf: beckon.folder.appendingPathComponent("data/beckon.sqlite"))
        for secret in [key.bearer, key.oauth1.consumerSecret, key.oauth1.tokenSecret] {
            #expect(database.range(of: Data(secret.utf8)) == nil, "a secret is stored in plaintext")
        }

        let unknownScope = try beckon.run("apikey", "create", "acme", "--scopes", "visit:read,root")
        #expect(unknownScope.status == 2)
        #expect(unknownScope.stderr.contains("unknown scope 'root'"))
        #expect(try beckon.run("apikey", "create", "nobody", "--scopes", "admin").status == 1)

        #expect(try beckon.run("apikey", "revoke", "acme", key.id).status == 0)
        #expect(try beckon.run("apikey", "revoke", "acme", "k-does-not-exist").status == 1)
        try beckon.run("account", "create", "globex", "--admin-email", "g@globex.example")
        #expect(try beckon.run("apikey", "revoke", "globex", key.id).status == 1)
    }

    @Test func migrateReportsWhatItDid() throws {
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        let first = try beckon.run("migrate")
        #expect(first.status == 0)
        #expect(first.stdout.hasPrefix("applied migrations \((1...Migration.latestVersion).map(String.init).joined(separator: ", "));"))
        let second = try beckon.run("migrate")
        #expect(second.stdout == "schema is current (version \(Migration.latestVersion))\n")
    }

    @Test func reportsRebuildCountsTheWholeJournalAgain() async throws {
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        try beckon.run("account", "create", "acme", "--admin-email", "a@acme.example")
        let configuration = StorageConfiguration(sqlitePath: beckon.folder.appendingPathComponent("data/beckon.sqlite").path)
        let logger = Logger(label: "test")
        let events = ReportHistory.events()
        try await StorageFactory.open(configuration, schema: .requireCurrent, logger: logger) { storage in
            try await storage.journal.write(events.map(\.event))
        }
        for _ in 0..<2 {
            let result = try beckon.run("reports", "rebuild")
            #expect(result.status == 0)
            #expect(result.stdout == "rollups rebuilt from \(events.count) journal events\n")
        }
        let account = try await StorageFactory.open(configuration, schema: .requireCurrent, logger: logger) { reopened in
            try await reopened.rollups.rows(
                RollupQuery(accountId: AccountID(trusted: "acme"), from: .distantPast, to: .distantFuture, level: .account))
        }
        #expect(account.first?.metrics.visits == ReportHistory.account.visits)
        #expect(account.first?.metrics.exposures == ReportHistory.account.exposures)
    }

    @Test func unknownSettingIsRefused() throws {
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        let result = try beckon.run("serve", "--http-prot", "9000")
        #expect(result.status == 2)
        #expect(result.stderr.contains("invalid --http-prot: unknown option"))
    }

    @Test func accountsAndKeysSurviveSIGKILLAndRestart() async throws {
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        let port = BeckonProcess.freePort()
        let server = try await beckon.startServer(port: port)
        try beckon.run("account", "create", "acme", "--admin-email", "a@acme.example")
        try beckon.run("site", "create", "acme", "--origin", "https://www.acme.example")
        let key = try beckon.json(IssuedAPIKey.self, try beckon.run("apikey", "create", "acme", "--scopes", "admin", "--json"))
        let sites = "http://127.0.0.1:\(port)/api/v1/accounts/acme/sites"
        #expect(try await HTTP.get(sites, bearer: key.bearer).0 == 200)

        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        #expect(server.terminationReason == .uncaughtSignal)

        let restarted = try await beckon.startServer(port: port)
        defer {
            restarted.terminate()
            restarted.waitUntilExit()
        }
        let (status, body) = try await HTTP.get(sites, bearer: key.bearer)
        #expect(status == 200)
        #expect(body.contains("https://www.acme.example"))
    }

    @Test func serveShutsDownGracefullyOnSIGTERM() async throws {
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        let server = try await beckon.startServer(port: BeckonProcess.freePort())
        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationReason == .exit)
        #expect(server.terminationStatus == 0)
    }
}
