import BeckonCore
import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Registers the generated operations on the router group whose prefix their path starts with,
/// so each family of paths keeps its own authenticator (the management API's, LivePerson's
/// brand paths', the public ones) while one generated protocol describes them all.
struct RoutingTransport: ServerTransport {
    /// Where operations go: the first entry whose prefix the path starts with and, when it names
    /// paths, that lists the path (as the document writes it: `/api/account/{accountId}/…`).
    struct Entry {
        var prefix: String
        var group: RouterGroup<AppRequestContext>
        var paths: Set<String>? = nil
    }

    var groups: [Entry]

    init(groups: [Entry]) {
        self.groups = groups
    }

    func register(
        _ handler:
            @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                HTTPResponse, HTTPBody?
            ),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        let route = Self.hummingbirdPath(path)
        guard let entry = groups.first(where: { route.hasPrefix($0.prefix + "/") && ($0.paths?.contains(path) ?? true) }) else {
            throw UnroutedOperation(path: path)
        }
        entry.group.register(handler, method: method, path: String(route.dropFirst(entry.prefix.count + 1)))
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
