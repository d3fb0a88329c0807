import BeckonCore
import Hummingbird

/// What a generated handler knows of its request beyond its typed input: the principal the
/// authenticator found, for the length of one request. The generated protocol passes only the
/// document's parameters and body, so the middleware in front of the generated routes binds
/// this task-local value.
enum OperationContext {
    @TaskLocal static var current: AppRequestContext?

    /// The principal, when it holds `scope` (or `admin`); otherwise 401 or 403.
    static func require(_ scope: Scope) throws -> Principal {
        guard let context = current else { throw BeckonError.unauthorized("authentication required") }
        return try context.require(scope)
    }

    /// The principal, whatever its scopes (reads that any valid key may do).
    static func requireAuthenticated() throws -> Principal {
        guard let context = current else { throw BeckonError.unauthorized("authentication required") }
        return try context.requireAuthenticated()
    }
}

/// In front of the generated routes: reads the body within `http.maxBodyBytes` (the generated
/// decoders would otherwise read all of a chunked body) and binds `OperationContext.current`.
struct OperationContextMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        _ = try await request.collectBody(upTo: context.maxUploadSize)
        return try await OperationContext.$current.withValue(context) {
            try await next(request, context)
        }
    }
}
