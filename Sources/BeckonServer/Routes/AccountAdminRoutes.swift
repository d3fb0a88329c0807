import BeckonCore
import Foundation
import Hummingbird

/// The account-administration part of the management API (SPEC §8a): API keys and sites.
struct AccountAdminRoutes {
    let storage: Storage
    let provisioning: Provisioning

    struct APIKeyView: Encodable, Sendable {
        var id: String
        var name: String
        var scopes: [String]
        var createdAt: Date
        var revokedAt: Date?
        var lastUsedAt: Date?

        init(_ key: APIKey) {
            id = key.id
            name = key.name
            scopes = key.scopes.sorted().map(\.rawValue)
            createdAt = key.createdAt
            revokedAt = key.revokedAt
            lastUsedAt = key.lastUsedAt
        }
    }

    /// A site as the API shows it; the debug key only in the answer that created it.
    struct SiteView: Encodable, Sendable {
        var id: String
        var accountId: String
        var name: String
        var allowedOrigins: [String]
        var createdAt: Date
        var debugKey: String?

        init(_ site: Site, debugKey: String?) {
            id = site.id
            accountId = site.accountId.rawValue
            name = site.name
            allowedOrigins = site.allowedOrigins
            createdAt = site.createdAt
            self.debugKey = debugKey
        }
    }

    struct CreateAPIKey: Decodable {
        var name: String?
        var scopes: [String]
    }

    struct CreateSite: Decodable {
        var name: String?
        var allowedOrigins: [String]
    }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("apikeys") { request, context in
            let principal = try context.require(.admin)
            let keys = try await storage.apiKeys.keys(accountId: principal.accountId)
            return JSONBody(value: try Page(request).slice(keys.map(APIKeyView.init)))
        }
        group.post("apikeys") { request, context in
            let principal = try context.require(.admin)
            let body = try await StrictJSON.decode(
                CreateAPIKey.self, allowedFields: ["name", "scopes"], from: request, context: context)
            let issued = try await provisioning.createAPIKey(
                accountId: principal.accountId.rawValue, name: body.name, scopes: try Scope.parse(body.scopes))
            return JSONBody(value: issued, status: .created)
        }
        group.delete("apikeys/:keyId") { _, context in
            let principal = try context.require(.admin)
            let keyId = try context.parameters.require("keyId")
            try await provisioning.revokeAPIKey(accountId: principal.accountId.rawValue, keyId: keyId)
            return Response(status: .noContent)
        }
        group.get("sites") { request, context in
            let principal = try context.requireAuthenticated()
            let sites = try await storage.sites.sites(accountId: principal.accountId)
            return JSONBody(value: try Page(request).slice(sites.map { SiteView($0, debugKey: nil) }))
        }
        group.post("sites") { request, context in
            let principal = try context.require(.admin)
            let body = try await StrictJSON.decode(
                CreateSite.self, allowedFields: ["name", "allowedOrigins"], from: request, context: context)
            let (site, debugKey) = try await provisioning.createSite(
                accountId: principal.accountId.rawValue, name: body.name, origins: body.allowedOrigins)
            return JSONBody(value: SiteView(site, debugKey: debugKey), status: .created)
        }
    }
}
