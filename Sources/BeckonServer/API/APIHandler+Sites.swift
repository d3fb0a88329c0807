import BeckonAPI
import BeckonCore

/// Sites: any valid key lists them; adding one needs admin (its debug key is answered once).
extension APIHandler {
    func listSites(_ input: Operations.ListSites.Input) async throws -> Operations.ListSites.Output {
        let principal = try OperationContext.requireAuthenticated()
        let page = try Page(cursor: input.query.cursor, limit: input.query.limit)
        let sites = page.window(try await storage.sites.sites(accountId: principal.accountId))
        return .ok(.init(body: .json(.init(items: sites.items.map(Components.Schemas.Site.init), nextCursor: sites.nextCursor))))
    }

    func createSite(_ input: Operations.CreateSite.Input) async throws -> Operations.CreateSite.Output {
        let principal = try OperationContext.require(.admin)
        guard case .json(let body) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        let (site, debugKey) = try await provisioning.createSite(
            accountId: principal.accountId.rawValue, name: body.name, origins: body.allowedOrigins)
        return .created(.init(body: .json(.init(value1: .init(site), value2: .init(debugKey: debugKey)))))
    }
}

extension Components.Schemas.Site {
    init(_ site: Site) {
        self.init(
            id: site.id, accountId: site.accountId.rawValue, name: site.name, allowedOrigins: site.allowedOrigins,
            createdAt: site.createdAt)
    }
}
