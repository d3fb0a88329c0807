import BeckonTesting
import Synchronization
import Testing

@testable import BeckonStorage

/// A database that never answers (a lost network, a pool waiting for a connection) until its
/// caller gives up.
final class SilentDatabase: SQLDatabase {
    let dialect = SQLDialect.sqlite
    let cancelled = Atomic<Int>(0)

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await hang()
        return []
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await hang()
        return try await body(self)
    }

    private func hang() async throws {
        do {
            try await Task.sleep(for: .seconds(3600))
        } catch {
            cancelled.add(1, ordering: .relaxed)
            throw error
        }
    }

    func close() async throws {}
}

/// A database whose call ignores cancellation (a driver waiting on a dead connection) until
/// `release()`.
final class StubbornDatabase: SQLDatabase {
    let dialect = SQLDialect.sqlite
    private let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        await withCheckedContinuation { continuation in waiting.withLock { $0.append(continuation) } }
        return []
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        _ = try await query("", [])
        return try await body(self)
    }

    func release() { for continuation in waiting.withLock({ $0 }) { continuation.resume() } }
    func close() async throws {}
}

@Suite struct DeadlineDatabaseTests {
    @Test func aCallThatIgnoresCancellationIsStillAnsweredAtTheDeadline() async throws {
        let stubborn = StubbornDatabase()
        let database = DeadlineDatabase(stubborn, deadline: .milliseconds(50))
        await #expect(throws: SQLFailure.self) { try await database.query("SELECT 1", []) }
        await #expect(throws: SQLFailure.self) { try await database.transaction { _ in 1 } }
        stubborn.release()
    }

    @Test func aCallPastItsDeadlineIsCancelledAndFailsAsUnavailable() async throws {
        let silent = SilentDatabase()
        let database = DeadlineDatabase(silent, deadline: .milliseconds(50))
        await #expect {
            try await database.query("SELECT 1", [])
        } throws: { error in
            guard case SQLFailure.unavailable(let reason)? = error as? SQLFailure else { return false }
            return reason.contains("within")
        }
        await #expect(throws: SQLFailure.self) { try await database.transaction { _ in 1 } }
        // Cancelled, not left running behind the caller's back.
        #expect(silent.cancelled.load(ordering: .relaxed) == 2)
    }

    @Test func answersInTimePassThroughWithTheirErrors() async throws {
        try await TestStorage.withSQLite { _, configuration in
            let base = try await SQLiteDatabase.open(path: configuration.sqlitePath, logger: TestStorage.logger)
            let database = DeadlineDatabase(base, deadline: .seconds(10))
            #expect(try await database.query("SELECT 7 AS n", []).first?.values["n"] == .integer(7))
            await #expect(throws: SQLFailure.self) { try await database.query("SELECT * FROM no_such_table", []) }
            #expect(try await database.transaction { try await $0.query("SELECT 8 AS n", []).count } == 1)
            try await base.close()
        }
    }
}
