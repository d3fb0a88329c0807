import BeckonCore
import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Registers the generated operations on the router group whose prefix their path starts with,
/// so each family of paths keeps its own authenticator (the management API's, LivePerson's
/// brand paths', …) while one generated protocol describes them all.
struct RoutingTransport: ServerTransport {
    /// Prefixes such as `/api/v1/accounts/:accountId`, with the group that serves them.
    var groups: [(prefix: String, group: RouterGroup<AppRequestContext>)]

    func register(
        _ handler:
            @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                HTTPResponse, HTTPBody?
            ),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        let route = Self.hummingbirdPath(path)
        guard let (prefix, group) = groups.first(where: { route.hasPrefix($0.prefix + "/") }) else {
            throw UnroutedOperation(path: path)
        }
        group.register(handler, method: method, path: String(route.dropFirst(prefix.count + 1)))
    }

    /// `/api/v1/accounts/{accountId}/sites` → `/api/v1/accounts/:accountId/sites`.
    static func hummingbirdPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { component in
            component.hasPrefix("{") && component.hasSuffix("}") ? ":" + component.dropFirst().dropLast() : component
        }.joined(separator: "/")
    }
}

/// A generated operation whose path no router group serves: a wiring mistake, found at start-up.
struct UnroutedOperation: Error, CustomStringConvertible {
    var path: String
    var description: String { "no router group serves the generated path \(path)" }
}
