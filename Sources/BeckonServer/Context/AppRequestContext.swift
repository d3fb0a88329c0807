package import BeckonCore
package import Hummingbird
package import NIOCore

/// Who made a request: the API key that authenticated it.
package struct Principal: Sendable, Equatable {
    package var accountId: AccountID
    package var keyId: String
    package var scopes: Set<Scope>
    /// The console user's role, when a console session (not an API key) made the request.
    package var role: ConsoleRole? = nil
}

/// The request context of every Beckon route: the body limit from configuration and, once the
/// authenticator has run, the principal.
package struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Set by `BodyLimitMiddleware` from `http.maxBodyBytes`.
    package var maxBodyBytes = 65536
    package var principal: Principal?
    /// LivePerson's status codes (SPEC §5): a key lacking the scope is 401 internalCode 10, as a
    /// missing or wrong one is (set by the authenticator on LivePerson's paths).
    package var livePersonStatusCodes = false
    /// The peer's address (the visitor's, unless a proxy is in front).
    package let remoteAddress: SocketAddress?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    package var maxUploadSize: Int { maxBodyBytes }

    /// The principal, when it holds `scope` (or `admin`); otherwise throws 401 or 403.
    package func require(_ scope: Scope) throws -> Principal {
        guard let principal else { throw BeckonError.unauthorized("authentication required") }
        guard principal.scopes.permits(scope) else {
            let message = "this API key lacks the scope '\(scope.rawValue)'"
            throw livePersonStatusCodes ? BeckonError.unauthorized(message) : BeckonError.forbidden(message)
        }
        return principal
    }

    /// The principal, whatever its scopes (reads that any valid key may do).
    package func requireAuthenticated() throws -> Principal {
        guard let principal else { throw BeckonError.unauthorized("authentication required") }
        return principal
    }
}
