package import BeckonCore
import Foundation

/// `AccountRepository` over either SQL backend.
package struct SQLAccountRepository: AccountRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    package func create(_ account: Account, firstAdmin: ConsoleUser) async throws {
        do {
            try await database.transaction { session in
                try await session.query(
                    "INSERT INTO accounts (id, name, time_zone, currency, created_at) VALUES (?, ?, ?, ?, ?)",
                    .text(account.id.rawValue), .text(account.name), .text(account.timeZone), .text(account.currency),
                    .date(account.createdAt))
                try await Self.insert(firstAdmin, into: session)
            }
        } catch SQLFailure.uniqueViolation {
            throw BeckonError.conflict("account '\(account.id)' exists already")
        }
    }

    package func account(id: AccountID) async throws -> Account? {
        try await database.query("SELECT * FROM accounts WHERE id = ?", .text(id.rawValue)).first.map(Self.account)
    }

    package func accounts() async throws -> [Account] {
        try await database.query("SELECT * FROM accounts ORDER BY id").map(Self.account)
    }

    package func addUser(_ user: ConsoleUser) async throws {
        do {
            try await Self.insert(user, into: database)
        } catch SQLFailure.uniqueViolation {
            throw BeckonError.conflict("a user with this email exists already in account '\(user.accountId)'")
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(user.accountId.rawValue)
        }
    }

    package func user(accountId: AccountID, email: String) async throws -> ConsoleUser? {
        try await database.query(
            "SELECT * FROM console_users WHERE account_id = ? AND email = ?", .text(accountId.rawValue),
            .text(email.lowercased())
        ).first.map(Self.user)
    }

    package func users(accountId: AccountID) async throws -> [ConsoleUser] {
        try await database.query(
            "SELECT * FROM console_users WHERE account_id = ? ORDER BY email", .text(accountId.rawValue)
        ).map(Self.user)
    }

    package func users(email: String) async throws -> [ConsoleUser] {
        try await database.query(
            "SELECT * FROM console_users WHERE email = ? ORDER BY account_id", .text(email.lowercased())
        ).map(Self.user)
    }

    package func updateUserRole(accountId: AccountID, userId: String, role: ConsoleRole) async throws {
        let changed = try await database.query(
            "UPDATE console_users SET role = ? WHERE account_id = ? AND id = ? RETURNING id", .text(role.rawValue),
            .text(accountId.rawValue), .text(userId))
        guard !changed.isEmpty else { throw BeckonError.notFound("user '\(userId)'") }
    }

    package func deleteUser(accountId: AccountID, userId: String) async throws {
        let deleted = try await database.query(
            "DELETE FROM console_users WHERE account_id = ? AND id = ? RETURNING id", .text(accountId.rawValue), .text(userId))
        guard !deleted.isEmpty else { throw BeckonError.notFound("user '\(userId)'") }
    }

    package func settings(accountId: AccountID) async throws -> AccountSettings? {
        guard let row = try await database.query("SELECT * FROM accounts WHERE id = ?", .text(accountId.rawValue)).first
        else { return nil }
        let timeZone = try row.text("time_zone")
        var settings =
            try row.optionalText("settings").map { try JSONText.decode(AccountSettings.self, $0) }
            ?? AccountSettings(timeZone: timeZone)
        settings.timeZone = timeZone
        settings.currency = try row.text("currency")
        return settings
    }

    package func updateSettings(accountId: AccountID, _ settings: AccountSettings) async throws {
        let rows = try await database.query(
            "UPDATE accounts SET time_zone = ?, currency = ?, settings = ? WHERE id = ? RETURNING id", .text(settings.timeZone),
            .text(settings.currency), .text(try JSONText.encode(settings)), .text(accountId.rawValue))
        guard !rows.isEmpty else { throw BeckonError.unknownAccount(accountId.rawValue) }
    }

    private static func insert(_ user: ConsoleUser, into executor: any SQLExecutor) async throws {
        try await executor.query(
            """
            INSERT INTO console_users (id, account_id, email, role, password_hash, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            .text(user.id), .text(user.accountId.rawValue), .text(user.email), .text(user.role.rawValue),
            .text(user.passwordHash), .date(user.createdAt))
    }

    private static func account(_ row: SQLRow) throws -> Account {
        Account(
            id: AccountID(trusted: try row.text("id")), name: try row.text("name"), timeZone: try row.text("time_zone"),
            currency: try row.text("currency"), createdAt: try row.date("created_at"))
    }

    private static func user(_ row: SQLRow) throws -> ConsoleUser {
        ConsoleUser(
            id: try row.text("id"), accountId: AccountID(trusted: try row.text("account_id")), email: try row.text("email"),
            role: ConsoleRole(rawValue: try row.text("role")) ?? .analyst, passwordHash: try row.text("password_hash"),
            createdAt: try row.date("created_at"))
    }
}
