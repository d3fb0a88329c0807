import BeckonCore
import BeckonTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct AuthenticationTests {
    let sites = "/api/v1/accounts/acme/sites"

    @Test func missingCredentialsAreUnauthorized() async throws {
        try await TestApp.with { _, client in
            let response = try await client.call(.get, sites)
            #expect(response.status == .unauthorized)
            #expect(response.envelope?.internalCode == 10)
            #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"beckon\"")
        }
    }

    @Test(arguments: ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer nonsense", "Bearer bk_", "Bearer bk_onlyid"])
    func malformedAuthorizationIsUnauthorized(_ header: String) async throws {
        try await TestApp.with { _, client in
            let response = try await client.call(.get, sites, authorization: header)
            #expect(response.status == .unauthorized)
            #expect(response.envelope?.internalCode == 10)
        }
    }

    @Test func wrongSecretForARealKeyIdIsUnauthorized() async throws {
        try await TestApp.with { app, client in
            let forged = "Bearer bk_\(app.acmeAdmin.id)_\(String(repeating: "A", count: 43))"
            let response = try await client.call(.get, sites, authorization: forged)
            #expect(response.status == .unauthorized)
            #expect(response.envelope?.message == "unknown API key")
        }
    }

    @Test func keyOfAnotherAccountIsRefusedAndSeesNothing() async throws {
        try await TestApp.with { app, client in
            _ = try await app.provisioning.createSite(accountId: "acme", name: "Acme shop", origins: ["https://acme.example"])
            let response = try await client.call(.get, sites, key: app.globexAdmin)
            #expect(response.status == .forbidden)
            #expect(response.envelope?.internalCode == 10)
            #expect(!response.text.contains("acme.example"))
            let create = try await client.call(.post, sites, key: app.globexAdmin, json: #"{"allowedOrigins":["https://evil.example"]}"#)
            #expect(create.status == .forbidden)
            #expect(try await app.storage.sites.sites(accountId: AccountID(trusted: "acme")).count == 1)
        }
    }

    @Test func missingScopeIsForbidden() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.get, "/api/v1/accounts/acme/apikeys", key: app.acmeReader)
            #expect(response.status == .forbidden)
            #expect(response.envelope?.message == "this API key lacks the scope 'admin'")
        }
    }

    @Test func revokedKeyStopsWorkingAtOnce() async throws {
        try await TestApp.with { app, client in
            #expect(try await client.call(.get, sites, key: app.acmeReader).status == .ok)
            try await app.provisioning.revokeAPIKey(accountId: "acme", keyId: app.acmeReader.id)
            let response = try await client.call(.get, sites, key: app.acmeReader)
            #expect(response.status == .unauthorized)
            #expect(response.envelope?.message == "this API key has been revoked")
        }
    }

    @Test func useIsRecordedAtMostOncePerMinute() async throws {
        try await TestApp.with { app, client in
            let t0 = app.clock.now()
            _ = try await client.call(.get, sites, key: app.acmeReader)
            #expect(try await app.storage.apiKeys.key(id: app.acmeReader.id)?.lastUsedAt == t0)
            app.clock.advance(by: 30)
            _ = try await client.call(.get, sites, key: app.acmeReader)
            #expect(try await app.storage.apiKeys.key(id: app.acmeReader.id)?.lastUsedAt == t0)
            app.clock.advance(by: 31)
            _ = try await client.call(.get, sites, key: app.acmeReader)
            #expect(try await app.storage.apiKeys.key(id: app.acmeReader.id)?.lastUsedAt == t0.addingTimeInterval(61))
        }
    }
}
