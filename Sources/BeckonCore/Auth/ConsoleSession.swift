import Crypto
package import Foundation

/// A signed-in console user (SPEC §9, §11). The browser holds the token in an `HttpOnly` cookie;
/// storage holds only its SHA-256, so a copy of the database signs nobody in. State-changing
/// requests must also carry `csrfToken` in a header, which a page of another origin cannot read.
package struct ConsoleSession: Sendable, Equatable {
    package var tokenHash: [UInt8]
    package var accountId: AccountID
    package var userId: String
    package var email: String
    package var role: ConsoleRole
    package var csrfToken: String
    package var createdAt: Date
    package var expiresAt: Date

    package init(
        tokenHash: [UInt8], accountId: AccountID, userId: String, email: String, role: ConsoleRole, csrfToken: String,
        createdAt: Date, expiresAt: Date
    ) {
        self.tokenHash = tokenHash
        self.accountId = accountId
        self.userId = userId
        self.email = email
        self.role = role
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// How long a sign-in lasts.
    package static let lifetime: TimeInterval = 12 * 3600

    /// A new session for `user` and the token to put in its cookie.
    package static func start(for user: ConsoleUser, at now: Date) -> (session: ConsoleSession, token: String) {
        let token = "cs_" + RandomToken.make(byteCount: 32)
        let session = ConsoleSession(
            tokenHash: hash(token), accountId: user.accountId, userId: user.id, email: user.email, role: user.role,
            csrfToken: RandomToken.make(byteCount: 24), createdAt: now, expiresAt: now.addingTimeInterval(lifetime))
        return (session, token)
    }

    package static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }

    /// Whether `presented` is this session's CSRF token (constant time).
    package func acceptsCSRF(_ presented: String?) -> Bool {
        guard let presented else { return false }
        return ConstantTime.equals(Array(presented.utf8), Array(csrfToken.utf8))
    }
}

extension ConsoleRole {
    /// What a role may do through the management and report APIs, as API-key scopes: an admin
    /// everything; a campaign manager campaigns, settings and reports but not keys or sites; an
    /// analyst only reads.
    package var scopes: Set<Scope> {
        switch self {
        case .admin: [.admin]
        case .campaignManager: [.campaignsWrite, .reportsRead, .visitRead]
        case .analyst: [.reportsRead, .visitRead]
        }
    }
}

/// Console sign-ins in storage.
package protocol ConsoleSessionRepository: Sendable {
    func create(_ session: ConsoleSession) async throws
    /// The session with this token hash, if it has not expired at `now`.
    func session(tokenHash: [UInt8], now: Date) async throws -> ConsoleSession?
    func delete(tokenHash: [UInt8]) async throws
    /// Signs a user out everywhere (after a role change or removal).
    func delete(accountId: AccountID, userId: String) async throws
    /// Forgets expired sessions; answers how many.
    @discardableResult
    func deleteExpired(now: Date) async throws -> Int
}
