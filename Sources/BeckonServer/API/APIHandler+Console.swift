import BeckonAPI
import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The console's sign-in at `/console/api/session` (SPEC §11, §13a): the session lives in an
/// `HttpOnly` cookie, its CSRF token in the answer. Sign-in is rate limited per address and
/// throttled per email in storage; a request from another origin is refused.
extension APIHandler {
    func getConsoleSession(_ input: Operations.GetConsoleSession.Input) async throws -> Operations.GetConsoleSession.Output {
        let bound = try OperationContext.bound()
        guard let session = try await ConsoleSessionAuth.session(of: bound.request, sessions: storage.consoleSessions, now: clock.now())
        else { throw BeckonError.unauthorized("not signed in") }
        return .ok(.init(body: .json(.init(session))))
    }

    func signIn(_ input: Operations.SignIn.Input) async throws -> Operations.SignIn.Output {
        let bound = try OperationContext.bound()
        try await limits.request(bound.request, bound.context, endpoint: "consoleSignIn", accountId: nil)
        try ConsoleSessionAuth.requireSameOrigin(bound.request, trustForwardedFor: trustForwardedFor)
        guard case .json(let body) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        let address = bound.context.clientAddress(bound.request, trustForwardedFor: trustForwardedFor) ?? "unknown"
        let (session, token): (ConsoleSession, String)
        do {
            (session, token) = try await consoleSignIn.signIn(
                email: body.email, password: body.password, accountId: body.accountId, address: address)
        } catch let error as ConsoleSignIn.Throttled {
            bound.context.logger.notice("console sign-in throttled")  // no email, no address: personal data
            throw error
        }
        bound.context.logger.info("console sign-in", metadata: ["account": "\(session.accountId)", "user.id": "\(session.userId)"])
        OperationContext.setResponseHeader(.setCookie, cookie(token, maxAge: Int(ConsoleSession.lifetime), bound))
        OperationContext.setResponseHeader(.cacheControl, "no-store")
        return .ok(.init(body: .json(.init(session))))
    }

    func signOut(_ input: Operations.SignOut.Input) async throws -> Operations.SignOut.Output {
        let bound = try OperationContext.bound()
        if let session = try await ConsoleSessionAuth.session(of: bound.request, sessions: storage.consoleSessions, now: clock.now()) {
            guard session.acceptsCSRF(bound.request.headers[ConsoleSessionAuth.csrfHeader]) else {
                throw BeckonError.forbidden("missing or wrong X-CSRF-Token")
            }
            try await consoleSignIn.signOut(session)
        }
        OperationContext.setResponseHeader(.setCookie, cookie("", maxAge: 0, bound))
        return .noContent(.init())
    }

    private func cookie(_ value: String, maxAge: Int, _ bound: OperationContext) -> String {
        ConsoleSessionAuth.cookie(value: value, maxAge: maxAge, request: bound.request, trustForwardedFor: trustForwardedFor)
    }
}

extension Components.Schemas.ConsoleSession {
    init(_ session: ConsoleSession) {
        self.init(
            accountId: session.accountId.rawValue, email: session.email, role: .init(session.role),
            scopes: session.role.scopes.sorted().map(\.rawValue), csrfToken: session.csrfToken, expiresAt: session.expiresAt)
    }
}
