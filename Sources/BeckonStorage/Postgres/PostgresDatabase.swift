import BeckonCore
import Foundation
package import Logging
import NIOCore
import PostgresNIO
package import ServiceLifecycle

/// PostgreSQL through a `PostgresClient` connection pool. The pool does its work — connecting,
/// reconnecting after an outage, closing on shutdown — in its `run()`, which is a service: run
/// `service` in the server's service group (or with `withServices` for a command). Queries wait
/// for it (and their deadline) until it runs.
package final class PostgresDatabase: SQLDatabase {
    package let dialect = SQLDialect.postgres
    private let client: PostgresClient
    private let logger: Logger
    private let url: String

    /// The connection pool, to run as a service for as long as the database is used.
    package var service: any Service { client }

    /// A pool for `url` (`postgres://user:password@host:port/database`); `searchPath` selects a
    /// schema (tests give each run its own), `statementTimeout` stops statements server-side,
    /// `applicationName` names the connections (the node: what changes announce as their writer).
    package init(
        url: String, searchPath: String? = nil, maxConnections: Int = 20, statementTimeout: Duration? = nil,
        applicationName: String? = nil, logger: Logger
    ) throws {
        var configuration = try Self.configuration(from: url)
        configuration.options.maximumConnections = maxConnections
        if let applicationName {
            configuration.options.additionalStartupParameters.append(("application_name", applicationName))
        }
        if let searchPath {
            configuration.options.additionalStartupParameters.append(("search_path", searchPath))
        }
        if let statementTimeout {
            // PostgreSQL stops a statement (or a lock wait) at the same deadline the caller gives up.
            let milliseconds = statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000
            configuration.options.additionalStartupParameters.append(("statement_timeout", "\(milliseconds)"))
            configuration.options.connectTimeout = .milliseconds(milliseconds)
        }
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.url = url
    }

    /// Fails with a clear message (never the password) when PostgreSQL does not answer within
    /// `limit`; the service must be running.
    package func checkReachable(within limit: Duration = .seconds(10)) async throws {
        do {
            _ = try await DeadlineDatabase.within(limit) { try await self.query("SELECT 1") }
        } catch {
            throw BeckonError.storageUnavailable("cannot reach PostgreSQL at \(Self.redacted(url)): \(error)")
        }
    }

    /// Parses a `postgres://` URL; the password never appears in errors.
    static func configuration(from url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
            ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw BeckonError.invalidInput(
                field: "storage.postgres.url", reason: "must look like postgres://user:password@host:5432/database")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let tlsMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS =
            switch tlsMode {
            case "require", "verify-full": .require(.makeClientConfiguration())
            case "prefer": .prefer(.makeClientConfiguration())
            default: .disable
            }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: tls)
    }

    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparsable URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(unparsable URL)"
    }

    @discardableResult
    package func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await Self.run(sql, binds) { try await client.query($0, logger: logger) }
    }

    package func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(Session(connection: connection, logger: logger))
            }
        } catch let error as PostgresTransactionError {
            // The body's own errors (a caller's, or a statement's already translated) pass through.
            if let closureError = error.closureError { throw closureError is PSQLError ? Self.translate(closureError) : closureError }
            throw Self.translate(error.beginError ?? error.commitError ?? error.rollbackError ?? error)
        }
    }

    /// Runs `body` with the notifications sent on `channel`, on a connection of the pool kept for
    /// it until `body` returns; throws when that connection is lost.
    /// Cancelling closes the connection: PostgresNIO's notification sequence does not end on
    /// cancellation by itself.
    func listen(on channel: String, _ body: (PostgresNotificationSequence) async throws -> Void) async throws {
        do {
            try await client.withConnection { connection in
                try await withTaskCancellationHandler {
                    try await connection.listen(on: channel, consume: body)
                } onCancel: {
                    let _: EventLoopFuture<Void> = connection.close()
                }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Runs `body` on one connection of the pool, kept for it until `body` returns (what a
    /// session-level advisory lock lives as long as).
    func withSession(_ body: (any SQLExecutor) async throws -> Void) async throws {
        do {
            try await client.withConnection { connection in try await body(Session(connection: connection, logger: logger)) }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Nothing to do: the pool closes its connections when its service stops.
    package func close() async throws {}

    private struct Session: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger
        var dialect: SQLDialect { .postgres }

        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try await PostgresDatabase.run(sql, binds) { try await connection.query($0, logger: logger) }
        }
    }

    fileprivate static func run(
        _ sql: String, _ binds: [SQLValue], _ send: (PostgresQuery) async throws -> PostgresRowSequence
    ) async throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .integer(let int): bindings.append(int)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            case .null: bindings.appendNull()
            }
        }
        let query = PostgresQuery(unsafeSQL: numberPlaceholders(sql), binds: bindings)
        do {
            var rows: [SQLRow] = []
            for try await row in try await send(query) {
                var values: [String: SQLValue] = [:]
                for cell in row { values[cell.columnName] = try SQLValue(cell) }
                rows.append(SQLRow(values: values))
            }
            return rows
        } catch {
            throw translate(error)
        }
    }

    fileprivate static func translate(_ error: any Error) -> any Error {
        if error is SQLFailure || error is BeckonError { return error }
        if let error = error as? PSQLError, let code = error.serverInfo?[.sqlState] {
            switch code {
            case "23505": return SQLFailure.uniqueViolation
            case "23503": return SQLFailure.foreignKeyViolation
            default: return SQLFailure.unavailable(underlying: "postgres \(code): \(error.serverInfo?[.message] ?? "")")
            }
        }
        return SQLFailure.unavailable(underlying: "postgres: \(String(reflecting: error))")
    }

    /// Rewrites `?` placeholders to PostgreSQL's `$1, $2, …`. Beckon's SQL never has a `?` inside
    /// a string literal, so a plain scan is exact.
    static func numberPlaceholders(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension SQLValue {
    fileprivate init(_ cell: PostgresCell) throws {
        guard cell.bytes != nil else {
            self = .null
            return
        }
        switch cell.dataType {
        case .int8, .int4, .int2: self = .integer(try cell.decode(Int64.self))
        case .bool: self = .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            self = .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default: self = .text(try cell.decode(String.self))
        }
    }
}
