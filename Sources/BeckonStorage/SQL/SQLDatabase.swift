import BeckonCore

/// A value bound to a `?` placeholder or read from a column. Timestamps are stored as
/// milliseconds since 1970 (`integer`), booleans as 0/1, so one set of SQL serves both backends.
package enum SQLValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
}

/// Which SQL a statement must be written in, where the two backends differ (DDL mostly).
package enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// Runs statements written with `?` placeholders; values are always bound, never spliced in.
package protocol SQLExecutor: Sendable {
    var dialect: SQLDialect { get }
    /// Runs one statement and returns its rows (none for statements without `RETURNING`).
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

/// A database: statements, transactions, lifecycle.
package protocol SQLDatabase: SQLExecutor {
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    func close() async throws
}

extension SQLExecutor {
    @discardableResult
    package func query(_ sql: String, _ binds: SQLValue...) async throws -> [SQLRow] {
        try await query(sql, binds)
    }
}

/// What went wrong in a statement, in terms the repositories act on. Driver texts stay in
/// `underlying` for the log and never reach a client.
package enum SQLFailure: Error, CustomStringConvertible {
    case uniqueViolation
    case foreignKeyViolation
    case unavailable(underlying: String)

    package var description: String {
        switch self {
        case .uniqueViolation: "unique constraint violated"
        case .foreignKeyViolation: "foreign key constraint violated"
        case .unavailable(let underlying): underlying
        }
    }
}
