import BeckonCore
import Hummingbird

/// Authenticates `Authorization: Bearer bk_<keyId>_<secret>` on the account-scoped APIs and
/// puts the key's principal in the context. Refuses (401) a missing, malformed, unknown or
/// revoked key, and (403) a key of another account than the one in the path — so no id an
/// attacker guesses reaches another tenant's data. The secret is compared in constant time.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let keys: any APIKeyRepository
    let clock: any WallClock
    /// How stale `lastUsedAt` may get before a request writes it again.
    var lastUsedResolution: Double = 60

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw BeckonError.unauthorized("missing Authorization header (Bearer API key)")
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer ",
            let credential = BearerCredential(token: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        else { throw BeckonError.unauthorized("malformed Authorization header; expected 'Bearer bk_…'") }
        guard let key = try await keys.key(id: credential.keyID), key.matchesBearerSecret(credential.secret) else {
            throw BeckonError.unauthorized("unknown API key")
        }
        guard !key.isRevoked else { throw BeckonError.unauthorized("this API key has been revoked") }
        if let pathAccount = context.parameters.get("accountId"), pathAccount != key.accountId.rawValue {
            throw BeckonError.forbidden("this API key does not belong to account '\(pathAccount)'")
        }
        let now = clock.now()
        if key.lastUsedAt.map({ now.timeIntervalSince($0) >= lastUsedResolution }) ?? true {
            try await keys.touch(id: key.id, at: now)
        }
        var context = context
        context.principal = Principal(accountId: key.accountId, keyId: key.id, scopes: key.scopes)
        context.logger[metadataKey: "apikey.id"] = "\(key.id)"
        return try await next(request, context)
    }
}
