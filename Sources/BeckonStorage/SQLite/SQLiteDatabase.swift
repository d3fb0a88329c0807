import BeckonCore
import Foundation
package import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import Synchronization

/// An SQLite database file in WAL mode with two connections: one writer, used by every write
/// and transaction one at a time (SQLite allows one writer), and one reader for `SELECT`s, which
/// WAL lets run beside a write and which sees every committed transaction.
///
/// `synchronous=FULL`: a commit is on disk when it returns, so an acknowledged event survives a
/// crash or power loss, not only a killed process. Group commit keeps the cost per event low.
package final class SQLiteDatabase: SQLDatabase {
    package let dialect = SQLDialect.sqlite
    private let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let writeLock = AsyncLock()
    private let readLock = AsyncLock()

    private init(writer: SQLiteConnection, reader: SQLiteConnection) {
        self.writer = writer
        self.reader = reader
    }

    /// Opens (creating when missing) the database at `path`, creating its folder too.
    package static func open(path: String, logger: Logger) async throws -> SQLiteDatabase {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw BeckonError.storageUnavailable("cannot create the folder \(folder) for the SQLite database")
        }
        do {
            let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"] {
                try await writer.query(pragma, []) { _ in }
            }
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            try await reader.query("PRAGMA query_only=ON", []) { _ in }
            return SQLiteDatabase(writer: writer, reader: reader)
        } catch let error as SQLiteError {
            throw BeckonError.storageUnavailable("cannot open the SQLite database at \(path): \(error.message)")
        }
    }

    @discardableResult
    package func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        if Self.isReadOnly(sql) {
            return try await readLock.withLock { try await Self.run(sql, binds, on: reader) }
        }
        return try await writeLock.withLock { try await Self.run(sql, binds, on: writer) }
    }

    package func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let session = Session(connection: writer)
            try await Self.run("BEGIN IMMEDIATE", [], on: writer)
            do {
                let result = try await body(session)
                try await Self.run("COMMIT", [], on: writer)
                return result
            } catch {
                _ = try? await Self.run("ROLLBACK", [], on: writer)
                throw error
            }
        }
    }

    package func close() async throws {
        try await writeLock.withLock { try await writer.close() }
        try await readLock.withLock { try await reader.close() }
    }

    /// The writer connection inside a transaction (the lock is already held).
    private struct Session: SQLExecutor {
        let connection: SQLiteConnection
        var dialect: SQLDialect { .sqlite }

        func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
            try await SQLiteDatabase.run(sql, binds, on: connection)
        }
    }

    private static func isReadOnly(_ sql: String) -> Bool {
        let head = sql.drop(while: { $0.isWhitespace }).prefix(6).uppercased()
        return head == "SELECT"
    }

    @discardableResult
    fileprivate static func run(
        _ sql: String, _ binds: [SQLValue], on connection: SQLiteConnection
    ) async throws
        -> [SQLRow]
    {
        let rows = Mutex<[SQLRow]>([])
        do {
            try await connection.query(sql, binds.map(\.sqliteData)) { row in
                var values: [String: SQLValue] = [:]
                for column in row.columns { values[column.name] = SQLValue(column.data) }
                rows.withLock { $0.append(SQLRow(values: values)) }
            }
        } catch let error as SQLiteError {
            switch error.reason {
            case .constraintUniqueFailed, .constraintPrimaryKeyFailed: throw SQLFailure.uniqueViolation
            case .constraintForeignKeyFailed: throw SQLFailure.foreignKeyViolation
            default: throw SQLFailure.unavailable(underlying: "sqlite: \(error.message)")
            }
        }
        return rows.withLock { $0 }
    }
}

extension SQLValue {
    fileprivate var sqliteData: SQLiteData {
        switch self {
        case .integer(let value): .integer(SQLiteInt64(value))
        case .text(let value): .text(value)
        case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
        case .null: .null
        }
    }

    fileprivate init(_ data: SQLiteData) {
        switch data {
        case .integer(let value): self = .integer(Int64(value))
        case .float(let value): self = .integer(Int64(value))
        case .text(let value): self = .text(value)
        case .blob(var buffer): self = .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .null: self = .null
        }
    }
}
