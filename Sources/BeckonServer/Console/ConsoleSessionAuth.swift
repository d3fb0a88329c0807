import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird

/// Console sessions as an authentication of the account APIs.
enum ConsoleSessionAuth {
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    static let cookieName = "beckon_session"

    static func session(of request: Request, sessions: any ConsoleSessionRepository, now: Date) async throws -> ConsoleSession? {
        guard let token = request.cookies[cookieName]?.value, token.hasPrefix("cs_"), token.count < 100 else { return nil }
        return try await sessions.session(tokenHash: ConsoleSession.hash(token), now: now)
    }

    /// The principal of a request signed in with the console's cookie: reads need only the
    /// cookie, changes also the session's CSRF token in `X-CSRF-Token`.
    static func principal(of request: Request, sessions: any ConsoleSessionRepository, now: Date) async throws -> Principal? {
        guard let session = try await session(of: request, sessions: sessions, now: now) else { return nil }
        if ![.get, .head, .options].contains(request.method), !session.acceptsCSRF(request.headers[csrfHeader]) {
            throw BeckonError.forbidden("missing or wrong X-CSRF-Token")
        }
        return Principal(accountId: session.accountId, keyId: "console:\(session.userId)", scopes: session.role.scopes, role: session.role)
    }

    /// Refuses a browser request whose `Origin` is another site (sign-in CSRF).
    static func requireSameOrigin(_ request: Request, trustForwardedFor: Bool) throws {
        guard let origin = request.headers[.origin] else { return }
        let host = request.clientHost(trustForwardedFor: trustForwardedFor) ?? ""
        guard let url = URL(string: origin), let originHost = url.host else {
            throw BeckonError.forbidden("cross-origin sign-in refused")
        }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        guard originAuthority.lowercased() == host.lowercased() else { throw BeckonError.forbidden("cross-origin sign-in refused") }
    }

    static func isPlainLocalhost(_ request: Request, trustForwardedFor: Bool) -> Bool {
        if request.clientScheme(trustForwardedFor: trustForwardedFor) == "https" { return false }
        let host = (request.clientHost(trustForwardedFor: false) ?? "").lowercased()
        let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }) + "]" : String(host.split(separator: ":").first ?? "")
        return ["localhost", "127.0.0.1", "[::1]"].contains(name)
    }

    /// The session cookie: `HttpOnly; SameSite=Lax`, and `Secure` unless the console is used over
    /// plain http on this machine (a browser keeps no `Secure` cookie from `http://localhost`).
    static func cookie(value: String, maxAge: Int, request: Request, trustForwardedFor: Bool) -> String {
        var cookie = "\(cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax"
        if !isPlainLocalhost(request, trustForwardedFor: trustForwardedFor) { cookie += "; Secure" }
        return cookie
    }
}
