import BeckonCore
import Hummingbird

/// Forgets an account's compiled campaigns after any successful change through the management
/// API (campaigns, engagements, settings), so the next page view decides on the new ones.
struct CampaignCatalogInvalidator: RouterMiddleware {
    typealias Context = AppRequestContext
    let catalog: CampaignCatalog

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let response = try await next(request, context)
        if request.method != .get, request.method != .head, response.status.code < 400, let principal = context.principal {
            catalog.invalidate(principal.accountId)
        }
        return response
    }
}
