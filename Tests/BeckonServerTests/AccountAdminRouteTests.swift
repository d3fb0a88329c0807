import BeckonCore
import BeckonTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct AccountAdminRouteTests {
    struct KeyView: Decodable {
        var id: String
        var name: String
        var scopes: [String]
        var revokedAt: Date?
    }

    struct SiteView: Decodable {
        var debugKey: String?
        var id: String
        var name: String
        var allowedOrigins: [String]
    }

    struct Items<T: Decodable>: Decodable { var items: [T] }

    @Test func createdKeyIsShownOnceAndWorksAsBearer() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(
                .post, "/api/v1/accounts/acme/apikeys", key: app.acmeAdmin,
                json: #"{"name":"CRM","scopes":["visit:read","events:write"]}"#)
            #expect(response.status == .created)
            let issued = try response.decoded(IssuedAPIKey.self)
            #expect(issued.scopes == ["events:write", "visit:read"])
            #expect(issued.oauth1.consumerKey == issued.id)
            #expect(try await client.call(.get, "/api/v1/accounts/acme/sites", key: issued).status == .ok)

            let list = try await client.call(.get, "/api/v1/accounts/acme/apikeys", key: app.acmeAdmin)
            #expect(list.status == .ok)
            #expect(Set(try list.decoded(Items<KeyView>.self).items.map(\.name)) == ["admin", "reader", "CRM"])
            #expect(!list.text.contains(issued.bearer))
            #expect(!list.text.contains(issued.oauth1.consumerSecret))
            #expect(!list.text.contains(issued.oauth1.tokenSecret))
        }
    }

    @Test func unknownScopeIsRefusedByName() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(
                .post, "/api/v1/accounts/acme/apikeys", key: app.acmeAdmin, json: #"{"scopes":["visit:read","root"]}"#)
            #expect(response.status == .badRequest)
            #expect(response.envelope?.message == "invalid scopes[1]: unknown value 'root'")
            #expect(response.envelope?.field == "scopes[1]")
            let empty = try await client.call(.post, "/api/v1/accounts/acme/apikeys", key: app.acmeAdmin, json: #"{"scopes":[]}"#)
            #expect(empty.status == .badRequest)
        }
    }

    @Test func revokingAKeyAnswersNoContentAndShowsInList() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.delete, "/api/v1/accounts/acme/apikeys/\(app.acmeReader.id)", key: app.acmeAdmin)
            #expect(response.status == .noContent)
            let list = try await client.call(.get, "/api/v1/accounts/acme/apikeys", key: app.acmeAdmin)
            let reader = try list.decoded(Items<KeyView>.self).items.first { $0.id == app.acmeReader.id }
            #expect(reader?.revokedAt == app.clock.now())
        }
    }

    @Test func cannotRevokeAnotherAccountsKeyThroughOwnPath() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.delete, "/api/v1/accounts/acme/apikeys/\(app.globexAdmin.id)", key: app.acmeAdmin)
            #expect(response.status == .notFound)
            #expect(response.envelope?.internalCode == 12)
            #expect(try await app.storage.apiKeys.key(id: app.globexAdmin.id)?.isRevoked == false)
        }
    }

    @Test func createsSiteWithNormalizedOrigins() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(
                .post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin,
                json: #"{"name":"Shop","allowedOrigins":["HTTPS://Shop.Example:443/","http://localhost:3000"]}"#)
            #expect(response.status == .created)
            let site = try response.decoded(SiteView.self)
            #expect(site.allowedOrigins == ["https://shop.example", "http://localhost:3000"])
            let debugKey = try #require(site.debugKey)
            let stored = try await app.storage.sites.site(accountId: AccountID(trusted: "acme"), id: site.id)
            #expect(stored?.matchesDebugKey(debugKey) == true)
            #expect(stored?.matchesDebugKey(debugKey + "x") == false)
            let list = try await client.call(.get, "/api/v1/accounts/acme/sites", key: app.acmeReader)
            #expect(try list.decoded(Items<SiteView>.self).items.map(\.id) == [site.id])
            #expect(!list.text.contains(debugKey), "the debug key is shown only when created")
            let other = try await client.call(.get, "/api/v1/accounts/globex/sites", key: app.globexAdmin)
            #expect(try other.decoded(Items<SiteView>.self).items.isEmpty)
        }
    }

    @Test(arguments: ["ftp://shop.example", "https://shop.example/path", "not a url", "https://user:pw@shop.example"])
    func refusesOriginsThatAreNotOrigins(_ origin: String) async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(
                .post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin, json: "{\"allowedOrigins\":[\"\(origin)\"]}")
            #expect(response.status == .badRequest)
            #expect(response.envelope?.message.hasPrefix("invalid allowedOrigins:") == true)
        }
    }
}

@Suite struct ListPagingTests {
    struct Items: Decodable {
        struct Item: Decodable { var id: String }
        var items: [Item]
        var nextCursor: String?
    }

    @Test func sitesAndKeysPageWithACursor() async throws {
        try await TestApp.with { app, client in
            var created: [String] = []
            for index in 0..<5 {
                app.clock.advance(by: 1)  // lists are in creation order
                created.append(
                    try await app.provisioning.createSite(accountId: "acme", name: "S\(index)", origins: ["https://s\(index).example"]).site.id)
            }
            var seen: [String] = []
            var uri = "/api/v1/accounts/acme/sites?limit=2"
            while true {
                let page = try await client.call(.get, uri, key: app.acmeReader).decoded(Items.self)
                #expect(page.items.count <= 2)
                seen += page.items.map(\.id)
                guard let cursor = page.nextCursor else { break }
                uri = "/api/v1/accounts/acme/sites?limit=2&cursor=\(cursor)"
            }
            #expect(seen == created)
            let keys = try await client.call(.get, "/api/v1/accounts/acme/apikeys?limit=1", key: app.acmeAdmin).decoded(Items.self)
            #expect(keys.items.count == 1)
            #expect(keys.nextCursor == "1")
            let bad = try await client.call(.get, "/api/v1/accounts/acme/sites?cursor=-4", key: app.acmeReader)
            #expect(bad.status == .badRequest)
            #expect(bad.envelope?.message == "invalid cursor: is not a cursor this API gave out")
        }
    }
}
