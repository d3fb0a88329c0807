import BeckonCore
import Synchronization

/// Every statement and transaction of `base` has a deadline (SPEC §13a): past it the call is
/// cancelled and fails with `SQLFailure.unavailable`, which the API answers 503 with
/// `Retry-After`. Without it a request — or the journal writer — would wait for an unreachable
/// database as long as the driver keeps retrying its connection. PostgreSQL also stops a
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

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await Self.within(deadline) { try await base.transaction(body) }
    }

    public func close() async throws { try await base.close() }

    private static func isUnavailable(_ error: any Error) -> Bool {
        if case .unavailable? = error as? SQLFailure { return true }
        return false
    }

    /// Runs `operation`; past `deadline` it is cancelled, and the outcome it reports within
    /// `grace` after that is the answer (a call that could no longer be stopped and committed is
    /// answered as committed). Past the grace the caller is answered `SQLFailure.unavailable`
    /// without waiting longer: a driver can wait on a dead connection without honouring
    /// cancellation (PostgresNIO does, when the server goes away mid-query), and the journal
    /// writer must never hang behind one. An operation that still completes after that (its commit
    /// was on its way) is the ambiguous commit every database client has on a lost connection: the
    /// journal may then hold that batch twice, never lose it.
    static func within<T: Sendable>(
        _ deadline: Duration, grace: Duration = .milliseconds(100), _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = DeadlineRace<T>()
        let missed = SQLFailure.unavailable(underlying: "no answer from the database within \(deadline)")
        let work = Task {
            do {
                race.finish(.success(try await operation()))
            } catch {
                // Stopped by the deadline's cancellation: that is the answer, not the cancellation.
                race.finish(.failure(race.deadlinePassed && !(error is SQLFailure && !Self.isUnavailable(error)) ? missed : error))
            }
        }
        let timer = Task {
            try await Task.sleep(for: deadline)
            race.deadlinePassed = true
            work.cancel()
            try await Task.sleep(for: grace)
            race.finish(.failure(missed))
        }
        return try await withTaskCancellationHandler {
            let result = await race.outcome()
            timer.cancel()
            work.cancel()
            return try result.get()
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

}

/// The first of an operation's result and its deadline; later ones are ignored.
private final class DeadlineRace<T: Sendable>: Sendable {
    private enum State {
        case running
        case waiting(CheckedContinuation<Result<T, any Error>, Never>)
        case done(Result<T, any Error>)
    }

    private let state = Mutex(State.running)
    private let passed = Atomic(false)

    var deadlinePassed: Bool {
        get { passed.load(ordering: .acquiring) }
        set { passed.store(newValue, ordering: .releasing) }
    }

    func finish(_ result: Result<T, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<T, any Error>, Never>? in
            switch state {
            case .running:
                state = .done(result)
                return nil
            case .waiting(let continuation):
                state = .done(result)
                return continuation
            case .done: return nil
            }
        }
        waiter?.resume(returning: result)
    }

    func outcome() async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<T, any Error>? in
                switch state {
                case .running:
                    state = .waiting(continuation)
                    return nil
                case .done(let result): return result
                case .waiting: preconditionFailure("one waiter only")
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

