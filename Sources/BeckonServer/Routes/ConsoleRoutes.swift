import BeckonAPI
import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The console (SPEC §11): its files under `/console/` and its sign-in at `/console/api/session`.
/// Everything else the console does goes through the management and report APIs, which accept
/// the session cookie (`ConsoleSessionAuth`) with the role's scopes.
struct ConsoleRoutes {
    let storage: Storage
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let clock: any WallClock
    let assets: ConsoleAssets
    let trustForwardedFor: Bool
    let limits: AddressLimits

    static let cookieName = "beckon_session"

    struct SessionView: Encodable, Sendable {
        var accountId: String
        var email: String
        var role: String
        var scopes: [String]
        var csrfToken: String
        var expiresAt: Date

        init(_ session: ConsoleSession) {
            accountId = session.accountId.rawValue
            email = session.email
            role = session.role.rawValue
            scopes = session.role.scopes.sorted().map(\.rawValue)
            csrfToken = session.csrfToken
            expiresAt = session.expiresAt
        }
    }

    func register(on router: Router<AppRequestContext>) {
        // `/console` and `/console/` are one route; the page names its files absolutely.
        router.get("console") { _, _ in try assets.response(for: "index.html") }
        router.get("console/:file") { _, context in try assets.response(for: try context.parameters.require("file")) }
        router.post("console/api/session") { request, context in try await signIn(request, context) }
        router.get("console/api/session") { request, context in
            guard let session = try await ConsoleSessionAuth.session(of: request, sessions: storage.consoleSessions, now: clock.now())
            else { throw BeckonError.unauthorized("not signed in") }
            return JSONBody(value: SessionView(session))
        }
        router.delete("console/api/session") { request, context in
            if let session = try await ConsoleSessionAuth.session(of: request, sessions: storage.consoleSessions, now: clock.now()) {
                guard session.acceptsCSRF(request.headers[ConsoleSessionAuth.csrfHeader]) else {
                    throw BeckonError.forbidden("missing or wrong X-CSRF-Token")
                }
                try await storage.consoleSessions.delete(tokenHash: session.tokenHash)
            }
            var response = Response(status: .noContent)
            response.headers[.setCookie] = cookie(value: "", maxAge: 0, request: request)
            return response
        }
    }

    private func signIn(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        try await limits.request(request, context, endpoint: "consoleSignIn", accountId: nil)
        try ConsoleSessionAuth.requireSameOrigin(request, trustForwardedFor: trustForwardedFor)
        let body = try await StrictJSON.decode(Components.Schemas.SignInRequest.self, from: request, context: context)
        let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        let now = clock.now()
        // Counted before the password hash runs: parallel guesses count too (SPEC §13a).
        if let wait = try await throttle.begin(email: email, address: address, now: now) {
            context.logger.notice("console sign-in throttled")  // no email, no address: personal data
            var error = ErrorAnswer(
                status: .tooManyRequests, internalCode: LPInternalCode.unauthorized,
                message: "too many failed sign-ins; try again in \(Int(wait.rounded(.up) / 60) + 1) minutes")
            error.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return error.response(at: now)
        }
        var candidates = try await storage.accounts.users(email: email)
        if let account = body.accountId?.trimmingCharacters(in: .whitespaces), !account.isEmpty {
            candidates = candidates.filter { $0.accountId.rawValue == account }
        }
        // Every attempt costs at least one password hash, known email or not: timing tells nothing.
        if candidates.isEmpty { _ = hasher.verify(body.password, against: Self.decoyHash) }
        let matching = candidates.filter { hasher.verify(body.password, against: $0.passwordHash) }
        guard !matching.isEmpty else { throw BeckonError.unauthorized("wrong email or password") }
        // The password was right: the attempt does not count against the email or the address.
        try await throttle.succeeded(email: email, address: address)
        guard matching.count == 1, let user = matching.first else {
            throw BeckonError.invalidInput(field: "accountId", reason: "this email signs in to several accounts; enter the account id")
        }
        try await storage.consoleSessions.deleteExpired(now: now)
        let (session, token) = ConsoleSession.start(for: user, at: now)
        try await storage.consoleSessions.create(session)
        context.logger.info("console sign-in", metadata: ["account": "\(user.accountId)", "user.id": "\(user.id)"])
        var response = try JSONBody(value: SessionView(session)).response(from: request, context: context)
        response.headers[.setCookie] = cookie(value: token, maxAge: Int(ConsoleSession.lifetime), request: request)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// A hash no password matches, verified when the email is unknown.
    static let decoyHash = PasswordHasher().hash(RandomToken.make(byteCount: 16))

    /// `HttpOnly; SameSite=Lax`, and `Secure` unless the console is used over plain http on
    /// this machine (a browser keeps no `Secure` cookie from `http://localhost`).
    func cookie(value: String, maxAge: Int, request: Request) -> String {
        var cookie = "\(Self.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax"
        if !ConsoleSessionAuth.isPlainLocalhost(request, trustForwardedFor: trustForwardedFor) { cookie += "; Secure" }
        return cookie
    }
}

/// The console's static files, read once at start.
struct ConsoleAssets: Sendable {
    let files: [String: (contentType: String, bytes: [UInt8])]

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; "
        + "font-src 'self' https: data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        + "form-action 'self'"

    static func load(publicDirectory: String?) throws -> ConsoleAssets {
        let folder = try PublicDirectory.find(configured: publicDirectory) + "/console"
        var files: [String: (String, [UInt8])] = [:]
        let types = [
            "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml",
        ]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            guard let type = types[(name as NSString).pathExtension] else { continue }
            files[name] = (type, Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))))
        }
        return ConsoleAssets(files: files)
    }

    func response(for name: String) throws -> Response {
        guard let file = files[name] else { throw BeckonError.notFound("console file '\(name)'") }
        return Response(
            status: .ok,
            headers: [
                .contentType: file.contentType, .contentSecurityPolicy: Self.contentSecurityPolicy, .cacheControl: "no-cache",
                .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "same-origin",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}

/// Console sessions as an authentication of the account APIs.
enum ConsoleSessionAuth {
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    static func session(of request: Request, sessions: any ConsoleSessionRepository, now: Date) async throws -> ConsoleSession? {
        guard let token = request.cookies[ConsoleRoutes.cookieName]?.value, token.hasPrefix("cs_"), token.count < 100 else { return nil }
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
}
