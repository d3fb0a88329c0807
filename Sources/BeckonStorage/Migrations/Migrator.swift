import BeckonCore
package import Foundation

/// Applies `Migration.all` in order and records each in `schema_migrations`, one transaction
/// per migration. On PostgreSQL an advisory lock keeps two nodes from migrating at once.
package struct Migrator: Sendable {
    package struct Status: Sendable, Equatable {
        package var current: Int
        package var latest: Int
        package var isCurrent: Bool { current == latest }

        package init(current: Int, latest: Int) {
            self.current = current
            self.latest = latest
        }
    }

    private let database: any SQLDatabase
    private let migrations: [Migration]

    package init(database: any SQLDatabase, migrations: [Migration] = Migration.all) {
        self.database = database
        self.migrations = migrations
    }

    package func status() async throws -> Status {
        try await ensureHistoryTable()
        let rows = try await database.query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations")
        return Status(current: Int(try rows.first?.int("version") ?? 0), latest: migrations.last?.version ?? 0)
    }

    /// Fails with `.schemaBehind` or `.schemaAhead` unless the schema is exactly this build's.
    package func requireCurrent() async throws {
        let status = try await status()
        if status.current < status.latest { throw BeckonError.schemaBehind(current: status.current, required: status.latest) }
        if status.current > status.latest { throw BeckonError.schemaAhead(current: status.current, known: status.latest) }
    }

    /// Applies every pending migration; returns the versions applied (empty when current).
    @discardableResult
    package func migrate(now: Date = Date()) async throws -> [Int] {
        try await ensureHistoryTable()
        var applied: [Int] = []
        for migration in migrations {
            let didApply = try await database.transaction { session in
                if session.dialect == .postgres {
                    try await session.query("SELECT pg_advisory_xact_lock(7253184) AS locked")
                }
                let existing = try await session.query(
                    "SELECT version FROM schema_migrations WHERE version = ?", .integer(Int64(migration.version)))
                guard existing.isEmpty else { return false }
                for statement in migration.statements(for: session.dialect) {
                    try await session.query(statement)
                }
                try await session.query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    .integer(Int64(migration.version)), .text(migration.name), .date(now))
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }

    private func ensureHistoryTable() async throws {
        try await database.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """)
    }
}
