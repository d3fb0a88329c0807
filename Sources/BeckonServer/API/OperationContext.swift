import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOFoundationCompat
import Synchronization

/// What a generated handler knows of its request beyond its typed input, for the length of one
/// request: the principal the authenticator found, the request's head (cookies, the raw
/// `Accept`, the client's address), the body's bytes (a JSON Merge Patch is applied to them,
/// since a decoded optional cannot tell `null` from absent), and headers a handler adds to the
/// response beyond the document's typed ones. The middleware in front of the generated routes
/// binds it.
struct OperationContext: Sendable {
    var context: AppRequestContext
    var request: Request
    var body: ByteBuffer
    var responseHeaders = ResponseHeaders()

    /// Headers collected for the response while the handler runs.
    final class ResponseHeaders: Sendable {
        let fields = Mutex(HTTPFields())
    }

    @TaskLocal static var current: OperationContext?

    /// The bound context; a generated route without the middleware is a wiring mistake (500).
    static func bound() throws -> OperationContext {
        guard let current else { throw Unbound() }
        return current
    }

    struct Unbound: Error {}

    /// The principal, when it holds `scope` (or `admin`); otherwise 401 or 403.
    static func require(_ scope: Scope) throws -> Principal {
        guard let current else { throw BeckonError.unauthorized("authentication required") }
        return try current.context.require(scope)
    }

    /// The principal, whatever its scopes (reads that any valid key may do).
    static func requireAuthenticated() throws -> Principal {
        guard let current else { throw BeckonError.unauthorized("authentication required") }
        return try current.context.requireAuthenticated()
    }

    /// The request's logger (with its request id).
    static var logger: Logger { current?.context.logger ?? Logger(label: "beckon.api") }

    /// Whether the request's `Accept` header names `mediaType` (the generated input lists every
    /// type the operation offers when the header is absent, so it cannot tell).
    static func accepts(_ mediaType: String) -> Bool {
        current?.request.headers[.accept]?.lowercased().contains(mediaType) ?? false
    }

    /// Sets `name` to `value` on the response, in place of any the generated code wrote: a header
    /// it would encode differently (a file name in `Content-Disposition` would be
    /// percent-encoded) or a parameter the document's media type leaves out (`charset`).
    static func setResponseHeader(_ name: HTTPField.Name, _ value: String) {
        current?.responseHeaders.fields.withLock { $0[name] = value }
    }

    /// The body as a JSON object. The generated decoder has already checked it against the
    /// document, so this reads what it accepted.
    static func jsonObject() throws -> [String: Any] {
        guard let body = current?.body,
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        else { throw BeckonError.invalidInput(field: "body", reason: "must be a JSON object") }
        return object
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
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let operation = OperationContext(context: context, request: request, body: body)
        var response = try await OperationContext.$current.withValue(operation) {
            try await next(request, context)
        }
        for field in operation.responseHeaders.fields.withLock({ $0 }) { response.headers[field.name] = field.value }
        return response
    }
}
