import Synchronization

/// A first-come-first-served lock for async code. Actors are re-entrant across `await`, so they
/// cannot keep a transaction's statements together on one connection; this can. A task cancelled
/// while it waits leaves the queue with `CancellationError` (a call past its deadline).
final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var nextTicket = 0
        var waiters: [(ticket: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private let state = Mutex(State())

    func withLock<T>(_ body: () async throws -> T) async throws -> T {
        try await lock()
        defer { unlock() }
        return try await body()
    }

    private func lock() async throws {
        let ticket = state.withLock { state in
            defer { state.nextTicket += 1 }
            return state.nextTicket
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Now { case acquired, cancelled, wait }
                let now = state.withLock { state -> Now in
                    if Task.isCancelled { return .cancelled }
                    if state.locked {
                        state.waiters.append((ticket, continuation))
                        return .wait
                    }
                    state.locked = true
                    return .acquired
                }
                switch now {
                case .acquired: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func unlock() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.waiters.isEmpty {
                state.locked = false
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
