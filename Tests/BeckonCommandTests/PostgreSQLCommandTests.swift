import BeckonCore
import BeckonStorage
import BeckonTesting
import Foundation
import Testing

/// The operator's PostgreSQL workflow against the throwaway cluster `scripts/test` starts:
/// `serve` refuses an old schema, `migrate` brings it up, then everything works.
@Suite(.enabled(if: TestStorage.postgresURL != nil, "needs BECKON_TEST_POSTGRES_URL"))
struct PostgreSQLCommandTests {
    @Test func serveRefusesAnOldSchemaUntilMigrated() async throws {
        try await TestStorage.withPostgresAdmin { admin in try await serveRefusesAnOldSchemaUntilMigrated(admin: admin) }
    }

    func serveRefusesAnOldSchemaUntilMigrated(admin: PostgresDatabase) async throws {
        let name = "cli_" + RandomToken.make(length: 12, alphabet: Array("abcdefghijklmnopqrstuvwxyz"))
        try await admin.query("CREATE DATABASE \(name)")
        let url = TestStorage.postgresURL!.replacingOccurrences(of: "/postgres", with: "/\(name)")
        let beckon = try BeckonProcess()
        defer { beckon.cleanUp() }
        let settings = [
            "--storage-driver", "postgres", "--storage-postgres-url", url,
            "--secrets-master-key", Base64.encode(SecretBox.generateMasterKey()),
        ]
        do {
            let refused = try beckon.run(arguments: ["serve", "--http-port", "\(BeckonProcess.freePort())"] + settings)
            #expect(refused.status == 3)
            #expect(refused.stderr.contains("schema is at version 0 but this build needs \(Migration.latestVersion); run `beckon migrate`"))
            #expect(!refused.stderr.contains("secret"), "no secret in the message")

            let migrated = try beckon.run(arguments: ["migrate"] + settings)
            #expect(migrated.status == 0)
            #expect(migrated.stdout.hasPrefix("applied migrations"))

            let account = try beckon.run(arguments: ["account", "create", "acme", "--admin-email", "a@acme.example"] + settings)
            #expect(account.status == 0)
            let key = try beckon.json(
                IssuedAPIKey.self, try beckon.run(arguments: ["apikey", "create", "acme", "--scopes", "admin", "--json"] + settings))
            let port = BeckonProcess.freePort()
            let server = try await beckon.startServer(port: port, extra: settings)
            let (status, _) = try await HTTP.get("http://127.0.0.1:\(port)/api/v1/accounts/acme/apikeys", bearer: key.bearer)
            #expect(status == 200)
            #expect(try await HTTP.get("http://127.0.0.1:\(port)/readyz").0 == 200)
            server.terminate()
            server.waitUntilExit()
        } catch {
            Issue.record(error)
        }
        _ = try? await admin.query("DROP DATABASE \(name) WITH (FORCE)")
    }
}
