package import Foundation

/// Signing in to the console with email and password (SPEC §11, §13a): throttled per email
/// and per address in storage, one password hash per attempt whatever the email, a new session
/// whose token only the browser's cookie holds.
package struct ConsoleSignIn: Sendable {
    let storage: Storage
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let clock: any WallClock

    /// Too many failures for the email or the address: try again in `retryAfter` seconds.
    package struct Throttled: Error, Sendable {
        package var retryAfter: TimeInterval
    }

    package init(storage: Storage, hasher: PasswordHasher, throttle: LoginThrottle, clock: any WallClock) {
        self.storage = storage
        self.hasher = hasher
        self.throttle = throttle
        self.clock = clock
    }

    /// The new session and its token, or `Throttled`, 401 (wrong email or password) or 400
    /// (the email and password sign in to several accounts and `accountId` does not say which).
    package func signIn(
        email: String, password: String, accountId: String?, address: String
    ) async throws -> (
        session: ConsoleSession, token: String
    ) {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        let now = clock.now()
        // Counted before the password hash runs: parallel guesses count too.
        if let wait = try await throttle.begin(email: email, address: address, now: now) { throw Throttled(retryAfter: wait) }
        var candidates = try await storage.accounts.users(email: email)
        if let account = accountId?.trimmingCharacters(in: .whitespaces), !account.isEmpty {
            candidates = candidates.filter { $0.accountId.rawValue == account }
        }
        // Every attempt costs at least one password hash, known email or not: timing tells nothing.
        if candidates.isEmpty { _ = hasher.verify(password, against: Self.decoyHash) }
        let matching = candidates.filter { hasher.verify(password, against: $0.passwordHash) }
        guard !matching.isEmpty else { throw BeckonError.unauthorized("wrong email or password") }
        // The password was right: the attempt does not count against the email or the address.
        try await throttle.succeeded(email: email, address: address)
        guard matching.count == 1, let user = matching.first else {
            throw BeckonError.invalidInput(field: "accountId", reason: "this email signs in to several accounts; enter the account id")
        }
        try await storage.consoleSessions.deleteExpired(now: now)
        let (session, token) = ConsoleSession.start(for: user, at: now)
        try await storage.consoleSessions.create(session)
        return (session, token)
    }

    /// Ends `session`.
    package func signOut(_ session: ConsoleSession) async throws {
        try await storage.consoleSessions.delete(tokenHash: session.tokenHash)
    }

    /// A hash no password matches, verified when the email is unknown.
    static let decoyHash = PasswordHasher().hash(RandomToken.make(byteCount: 16))
}
