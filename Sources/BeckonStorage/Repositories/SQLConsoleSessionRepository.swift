package import BeckonCore
package import Foundation

/// `ConsoleSessionRepository` over either SQL backend.
package struct SQLConsoleSessionRepository: ConsoleSessionRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    package func create(_ session: ConsoleSession) async throws {
        do {
            try await database.query(
                """
                INSERT INTO console_sessions (token_hash, account_id, user_id, email, role, csrf_token, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                .blob(session.tokenHash), .text(session.accountId.rawValue), .text(session.userId), .text(session.email),
                .text(session.role.rawValue), .text(session.csrfToken), .date(session.createdAt), .date(session.expiresAt))
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(session.accountId.rawValue)
        }
    }

    package func session(tokenHash: [UInt8], now: Date) async throws -> ConsoleSession? {
        try await database.query(
            "SELECT * FROM console_sessions WHERE token_hash = ? AND expires_at > ?", .blob(tokenHash), .date(now)
        ).first.map { row in
            ConsoleSession(
                tokenHash: try row.blob("token_hash"), accountId: AccountID(trusted: try row.text("account_id")),
                userId: try row.text("user_id"), email: try row.text("email"),
                role: ConsoleRole(rawValue: try row.text("role")) ?? .analyst, csrfToken: try row.text("csrf_token"),
                createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"))
        }
    }

    package func delete(tokenHash: [UInt8]) async throws {
        try await database.query("DELETE FROM console_sessions WHERE token_hash = ?", .blob(tokenHash))
    }

    package func delete(accountId: AccountID, userId: String) async throws {
        try await database.query(
            "DELETE FROM console_sessions WHERE account_id = ? AND user_id = ?", .text(accountId.rawValue), .text(userId))
    }

    @discardableResult
    package func deleteExpired(now: Date) async throws -> Int {
        try await database.query("DELETE FROM console_sessions WHERE expires_at <= ? RETURNING expires_at", .date(now)).count
    }
}
