import BeckonAPI
import BeckonCore

/// API keys (scope admin): list without secrets, issue (secrets answered once), revoke.
extension APIHandler {
    func listAPIKeys(_ input: Operations.ListAPIKeys.Input) async throws -> Operations.ListAPIKeys.Output {
        let principal = try OperationContext.require(.admin)
        let page = try Page(cursor: input.query.cursor, limit: input.query.limit)
        let keys = page.window(try await storage.apiKeys.keys(accountId: principal.accountId))
        return .ok(.init(body: .json(.init(items: keys.items.map(Components.Schemas.APIKey.init), nextCursor: keys.nextCursor))))
    }

    func createAPIKey(_ input: Operations.CreateAPIKey.Input) async throws -> Operations.CreateAPIKey.Output {
        let principal = try OperationContext.require(.admin)
        guard case .json(let body) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        let scopes = try Scope.parse(body.scopes.map(\.rawValue))
        let issued = try await provisioning.createAPIKey(accountId: principal.accountId.rawValue, name: body.name, scopes: scopes)
        return .created(.init(body: .json(try .init(issued))))
    }

    func revokeAPIKey(_ input: Operations.RevokeAPIKey.Input) async throws -> Operations.RevokeAPIKey.Output {
        let principal = try OperationContext.require(.admin)
        try await provisioning.revokeAPIKey(accountId: principal.accountId.rawValue, keyId: input.path.keyId)
        return .noContent(.init())
    }
}

extension Components.Schemas.APIKey {
    init(_ key: APIKey) {
        self.init(
            id: key.id, name: key.name, scopes: key.scopes.sorted().map(Components.Schemas.Scope.init),
            createdAt: key.createdAt, revokedAt: key.revokedAt, lastUsedAt: key.lastUsedAt)
    }
}

extension Components.Schemas.IssuedAPIKey {
    init(_ issued: IssuedAPIKey) throws {
        self.init(
            id: issued.id, scopes: try Scope.parse(issued.scopes).sorted().map(Components.Schemas.Scope.init), bearer: issued.bearer,
            oauth1: .init(
                consumerKey: issued.oauth1.consumerKey, consumerSecret: issued.oauth1.consumerSecret,
                token: issued.oauth1.token, tokenSecret: issued.oauth1.tokenSecret))
    }
}
