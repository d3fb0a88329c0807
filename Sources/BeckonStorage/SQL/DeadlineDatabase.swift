import BeckonCore

/// Every statement and transaction of `base` has a deadline (SPEC §13a): past it the call is
/// cancelled and fails with `SQLFailure.unavailable`, which the API answers 503 with
/// `Retry-After`. Without it a request — or the journal writer — would wait for an unreachable
/// database as long as the driver keeps retrying its connection.
///
/// The call is cancelled, not abandoned: its task is a child of this one, so a transaction that
/// missed its deadline can never commit later behind the caller's back. Waiting for a pooled
/// PostgreSQL connection and PostgreSQL statements honour cancellation; PostgreSQL also stops a
/// statement itself at the same deadline (`statement_timeout`).
public struct DeadlineDatabase: SQLDatabase {
    public let base: any SQLDatabase
    public let deadline: Duration

    public init(_ base: any SQLDatabase, deadline: Duration) {
        self.base = base
        self.deadline = deadline
    }

    public var dialect: SQLDialect { base.dialect }

    @discardableResult
    public func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await Self.within(deadline) { try await base.query(sql, binds) }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            try await Self.within(deadline) { try await base.transaction(body) }
        }
    }

    public func close() async throws { try await base.close() }

    /// Runs `operation`; past `deadline` it is cancelled and its own outcome awaited. A call that
    /// stopped for the cancellation (it was still waiting for a connection or a lock) fails as
    /// unavailable; one that could not be stopped any more and succeeded answers its result, so a
    /// caller is never told a transaction failed that in fact committed.
    static func within<T: Sendable>(_ deadline: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: DeadlineOutcome<T>.self) { group in
            group.addTask { .finished(try await operation()) }
            group.addTask {
                try await Task.sleep(for: deadline)
                return .deadlinePassed
            }
            defer { group.cancelAll() }
            if case .finished(let result)? = try await group.next() { return result }
            group.cancelAll()
            do {
                if case .finished(let result)? = try await group.next() { return result }
            } catch let error where !(error is CancellationError) && !Self.isUnavailable(error) {
                throw error
            } catch {}
            throw SQLFailure.unavailable(underlying: "no answer from the database within \(deadline)")
        }
    }

    private static func isUnavailable(_ error: any Error) -> Bool {
        if case .unavailable? = error as? SQLFailure { return true }
        return false
    }
}

private enum DeadlineOutcome<T: Sendable>: Sendable {
    case finished(T)
    case deadlinePassed
}
