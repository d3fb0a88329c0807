import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Adds the key's `Authorization` header: the bearer form as it is, or an OAuth 1.0a signature
/// of this exact request (method, URL and query), made anew for each attempt. Public
/// operations (the click keys) go unauthenticated.
struct AuthorizationMiddleware: ClientMiddleware {
    var credentials: BeckonClient.Credentials
    static let publicOperations: Set<String> = ["getClickKeys"]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard !Self.publicOperations.contains(operationID) else { return try await next(request, body, baseURL) }
        var request = request
        switch credentials {
        case .bearer(let key):
            request.headerFields[.authorization] = "Bearer \(key)"
        case .oauth1(let consumerKey, let consumerSecret, let token, let tokenSecret):
            let signer = OAuth1Signer(consumerKey: consumerKey, consumerSecret: consumerSecret, token: token, tokenSecret: tokenSecret)
            guard let url = URL(string: baseURL.absoluteString.trimmingSuffix("/") + (request.path ?? "/")) else {
                throw BeckonClientError.malformed("cannot sign a request for \(request.path ?? "")")
            }
            request.headerFields[.authorization] = signer.authorization(method: request.method.rawValue, url: url)
        }
        return try await next(request, body, baseURL)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
