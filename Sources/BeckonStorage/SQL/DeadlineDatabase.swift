import BeckonCore
import Synchronization

/// Every statement and transaction of `base` has a deadline (SPEC §13a): past it the call is
/// cancelled and fails with `SQLFailure.unavailable`, which the API answers 503 with
/// `Retry-After`. Without it a request — or the journal writer — would wait for an unreachable
/// database as long as the driver keeps retrying its connection. PostgreSQL also stops a
/// statement itself at the same deadline (`statement_timeout`).
package struct DeadlineDatabase: SQLDatabase {
    package let base: any SQLDatabase
    package let deadline: Duration
    /// Calls still running, those given up on at their deadline included: `close` lets them end.
    private let calls = InFlight()

    package init(_ base: any SQLDatabase, deadline: Duration) {
        self.base = base
        self.deadline = deadline
    }

    package var dialect: SQLDialect { base.dialect }

    @discardableResult
    package func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await Self.within(deadline, tracking: calls) { try await base.query(sql, binds) }
    }

    package func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await Self.within(deadline, tracking: calls) { try await base.transaction(body) }
    }

    /// Closes `base` once its calls have ended (at most 5 s: a driver stuck on a dead connection
    /// is released when its pool stops).
    package func close() async throws {
        await calls.drain(within: .seconds(5))
        try await base.close()
    }

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
        _ deadline: Duration, grace: Duration = .milliseconds(100), tracking inFlight: InFlight = InFlight(),
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = DeadlineRace<T>()
        let missed = SQLFailure.unavailable(underlying: "no answer from the database within \(deadline)")
        inFlight.started()
        let work = Task {
            defer { inFlight.ended() }
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
        // The caller's own cancellation is passed on, and the call's outcome awaited: only the
        // deadline abandons a call.
        let result = await withTaskCancellationHandler {
            await race.outcome()
        } onCancel: {
            work.cancel()
        }
        timer.cancel()
        return try result.get()
    }

}

/// The calls of a database still running (including those abandoned at their deadline), so that
/// closing it waits for them.
final class InFlight: Sendable {
    private struct State {
        var running = 0
        var idle: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func started() { state.withLock { $0.running += 1 } }

    func ended() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.idle = [] }
            return state.idle
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until no call runs, or `limit` passed.
    func drain(within limit: Duration) async {
        _ = try? await DeadlineDatabase.within(limit) {
            await withCheckedContinuation { continuation in
                let now = self.state.withLock { state -> Bool in
                    if state.running == 0 { return true }
                    state.idle.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
            return true
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
