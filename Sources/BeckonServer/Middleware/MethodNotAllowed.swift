import HTTPTypes
import Hummingbird
import Synchronization

/// A request whose path is served, but not with its method, is 405 with `Allow` (RFC 9110
/// §15.5.6) rather than the router's 404. The table of paths and methods is the router's own,
/// filled once every route is registered (`fill(from:)`).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            let allowed = table.methods(for: request.uri.path)
            guard !allowed.isEmpty else { throw error }
            let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw HTTPError(
                .methodNotAllowed, headers: [.allow: list], message: "\(request.method) is not allowed here; this path takes \(list)")
        }
    }
}

/// The registered routes as path patterns (`literal`, `:capture`) with their methods.
final class RouteTable: Sendable {
    private let routes = Mutex<[(pattern: [String], method: HTTPRequest.Method)]>([])

    func fill(from router: Router<some RequestContext>) {
        let entries = router.routes.map { route in
            (pattern: route.path.components.map { "\($0)" }, method: route.method)
        }
        routes.withLock { $0 = entries }
    }

    /// The methods the route that serves `path` takes. Where several patterns match, the router
    /// takes the one with literals earliest (`engagements/preview` before
    /// `engagements/:engagementId`), so only that pattern's methods count.
    func methods(for path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let matching = routes.withLock { routes in routes.filter { Self.matches($0.pattern, segments) } }
        guard let best = matching.map({ Self.specificity($0.pattern) }).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [] }
        return Set(matching.filter { Self.specificity($0.pattern) == best }.map(\.method))
    }

    /// 1 for each literal segment, 0 for a capture or wildcard.
    private static func specificity(_ pattern: [String]) -> [Int] {
        pattern.map { $0.hasPrefix(":") || $0.hasPrefix("*") || $0.hasPrefix("{") ? 0 : 1 }
    }

    private static func matches(_ pattern: [String], _ segments: [Substring]) -> Bool {
        guard pattern.count == segments.count else { return pattern.last == "**" && segments.count >= pattern.count - 1 }
        return zip(pattern, segments).allSatisfy { element, segment in
            element.hasPrefix(":") || element.hasPrefix("*") || element.hasPrefix("{") || element == segment
        }
    }
}
