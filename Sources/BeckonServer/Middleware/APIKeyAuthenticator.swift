import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Authenticates the account-scoped APIs with an API key presented either way SPEC §9 allows:
/// `Authorization: Bearer bk_<keyId>_<secret>`, or an OAuth 1.0a HMAC-SHA1 signature (RFC 5849)
/// with the key's consumer key and token, as LivePerson's API keys are used. Refuses (401) a
/// missing, malformed, unknown, revoked or wrongly signed key, a timestamp more than five minutes
/// off and a nonce already used; (403) a key of another account than the one in the path. Secrets
/// and signatures are compared in constant time.
///
/// On LivePerson's paths (`livePerson`), LivePerson's codes instead (SPEC §5): a key lacking the
/// scope is 401 too, and an account that is not the key's is the status that API documents (422
/// on Validate Engagement and Engagement Attributes, 404 on Visit Information), internalCode 6.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    /// LivePerson's answer to an account that is not the key's; nil: Beckon's 403.
    var livePerson: HTTPResponse.Status? = nil
    let keys: any APIKeyRepository
    let issuer: APIKeyIssuer
    let nonces: NonceRegistry
    let clock: any WallClock
    /// Console sign-ins, accepted when a request has no `Authorization` header.
    var sessions: (any ConsoleSessionRepository)? = nil
    /// Take the scheme and host the client signed from `X-Forwarded-Proto` / `X-Forwarded-Host`.
    var trustForwardedFor = false
    /// How stale `lastUsedAt` may get before a request writes it again.
    var lastUsedResolution: Double = 60

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else {
            if let sessions, let principal = try await ConsoleSessionAuth.principal(of: request, sessions: sessions, now: clock.now()) {
                if let pathAccount = context.parameters.get("accountId"), pathAccount != principal.accountId.rawValue {
                    throw foreignAccount("you are signed in to another account than '\(pathAccount)'")
                }
                var context = context
                context.livePersonStatusCodes = livePerson != nil
                context.principal = principal
                context.logger[metadataKey: "console.user"] = "\(principal.keyId)"
                return try await next(request, context)
            }
            throw BeckonError.unauthorized("missing Authorization header (Bearer API key or OAuth 1.0a signature)")
        }
        var request = request
        let key: APIKey
        if let oauth = OAuth1.parameters(authorization: header) {
            (key, request) = try await verifyOAuth(oauth, request: request, context: context)
        } else {
            guard header.count > 7, header.prefix(7).lowercased() == "bearer ",
                let credential = BearerCredential(token: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            else { throw BeckonError.unauthorized("malformed Authorization header; expected 'Bearer bk_…' or 'OAuth …'") }
            guard let found = try await keys.key(id: credential.keyID), found.matchesBearerSecret(credential.secret) else {
                throw BeckonError.unauthorized("unknown API key")
            }
            key = found
        }
        guard !key.isRevoked else { throw BeckonError.unauthorized("this API key has been revoked") }
        if let pathAccount = context.parameters.get("accountId"), pathAccount != key.accountId.rawValue {
            throw foreignAccount("this API key does not belong to account '\(pathAccount.prefix(64))'")
        }
        let now = clock.now()
        if key.lastUsedAt.map({ now.timeIntervalSince($0) >= lastUsedResolution }) ?? true {
            try await keys.touch(id: key.id, at: now)
        }
        var context = context
        context.livePersonStatusCodes = livePerson != nil
        context.principal = Principal(accountId: key.accountId, keyId: key.id, scopes: key.scopes)
        context.logger[metadataKey: "apikey.id"] = "\(key.id)"
        return try await next(request, context)
    }

    private func foreignAccount(_ message: String) -> any Error {
        guard let livePerson else { return BeckonError.forbidden(message) }
        return LivePersonAccountRefusal(status: livePerson, message: message)
    }

    /// Checks an OAuth 1.0a signature; answers the key and the request (with its body read when
    /// form parameters were signed).
    private func verifyOAuth(
        _ oauth: [String: String], request: Request, context: Context
    ) async throws -> (APIKey, Request) {
        guard oauth["oauth_signature_method"] == "HMAC-SHA1" else {
            throw BeckonError.unauthorized("OAuth signature method must be HMAC-SHA1")
        }
        if let version = oauth["oauth_version"], version != "1.0" {
            throw BeckonError.unauthorized("OAuth version must be 1.0")
        }
        guard let consumerKey = oauth["oauth_consumer_key"], let token = oauth["oauth_token"],
            let nonce = oauth["oauth_nonce"], !nonce.isEmpty, let timestampText = oauth["oauth_timestamp"],
            let timestamp = TimeInterval(timestampText), let signature = oauth["oauth_signature"]
        else { throw BeckonError.unauthorized("OAuth header lacks a consumer key, token, nonce, timestamp or signature") }
        let now = clock.now()
        guard abs(now.timeIntervalSince1970 - timestamp) <= OAuth1.timestampWindow else {
            throw BeckonError.unauthorized("OAuth timestamp is more than 5 minutes from the server's time")
        }
        guard let key = try await keys.key(id: consumerKey), ConstantTime.equals(Array(token.utf8), Array(key.oauthToken.utf8))
        else { throw BeckonError.unauthorized("unknown API key") }

        var request = request
        var parameters: [(String, String)] = oauth.filter { $0.key != "oauth_signature" && $0.key != "realm" }.map { ($0.key, $0.value) }
        if let query = request.uri.query { parameters += OAuth1.formPairs(query) }
        if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            parameters += OAuth1.formPairs(String(buffer: buffer))
            request.body = .init(buffer: buffer)
        }
        let base = OAuth1.baseString(method: request.method.rawValue, baseURL: baseURL(request), parameters: parameters)
        let (consumerSecret, tokenSecret) = try issuer.oauthSecrets(of: key)
        let expected = OAuth1.signature(baseString: base, consumerSecret: consumerSecret, tokenSecret: tokenSecret)
        guard ConstantTime.equals(Array(expected.utf8), Array(signature.utf8)) else {
            throw BeckonError.unauthorized("OAuth signature does not match")
        }
        guard nonce.utf8.count <= NonceRegistry.maxNonceLength else {
            throw BeckonError.unauthorized("OAuth nonce longer than \(NonceRegistry.maxNonceLength) characters")
        }
        guard try await nonces.claim(consumerKey: consumerKey, nonce: nonce, now: now) else {
            throw BeckonError.unauthorized("OAuth nonce already used")
        }
        return (key, request)
    }

    /// `scheme://host[:port]/path` as the client addressed it (RFC 5849 §3.4.1.2).
    private func baseURL(_ request: Request) -> String {
        let scheme = request.clientScheme(trustForwardedFor: trustForwardedFor)
        var host = (request.clientHost(trustForwardedFor: trustForwardedFor) ?? "").lowercased()
        if scheme == "http", host.hasSuffix(":80") { host.removeLast(3) }
        if scheme == "https", host.hasSuffix(":443") { host.removeLast(4) }
        return "\(scheme)://\(host)\(request.uri.path)"
    }
}

/// An account that is not the key's, answered as LivePerson documents it for the API (SPEC §5).
struct LivePersonAccountRefusal: Error {
    var status: HTTPResponse.Status
    var message: String
}
