import Synchronization

/// Group commit for decisions that must be made one after another, such as dial authorizations
/// (SPEC §13): callers queue their work; one drainer runs everything queued, in queue order, in
/// one transaction, and resumes the callers only once it committed. Each item sees what the items
/// before it wrote, so the outcome is the same as one transaction per item, but the commit (the
/// fsync) is shared: throughput grows with concurrency instead of being one commit per request.
///
/// `prepare` runs first in each transaction with the whole batch (e.g. PostgreSQL advisory locks).
/// When a batch of several fails, each of its items is tried again alone, so one bad item fails
/// only its own caller.
final class TransactionBatcher<Work: Sendable, Answer: Sendable>: Sendable {
    typealias Prepare = @Sendable ([Work], any SQLExecutor) async throws -> Void
    typealias Body = @Sendable (Work, any SQLExecutor) async throws -> Answer

    private struct Pending: Sendable {
        var work: Work
        var continuation: CheckedContinuation<Answer, any Error>
    }

    private struct State: Sendable {
        var queue: [Pending] = []
        var draining = false
    }

    private let database: any SQLDatabase
    private let maxBatch: Int
    private let prepare: Prepare
    private let body: Body
    private let state = Mutex(State())

    init(database: any SQLDatabase, maxBatch: Int = 256, prepare: @escaping Prepare = { _, _ in }, body: @escaping Body) {
        self.database = database
        self.maxBatch = max(1, maxBatch)
        self.prepare = prepare
        self.body = body
    }

    /// Runs `work` in the next batch; answers once that batch committed.
    func submit(_ work: Work) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            let leads = state.withLock { state -> Bool in
                state.queue.append(Pending(work: work, continuation: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            // The first caller of a burst starts the drainer; it stops when the queue is empty.
            if leads { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.queue.prefix(maxBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let answers = try await run(batch.map(\.work))
                for (pending, answer) in zip(batch, answers) { pending.continuation.resume(returning: answer) }
            } catch  where batch.count > 1 {
                for pending in batch {
                    do {
                        pending.continuation.resume(returning: try await run([pending.work])[0])
                    } catch {
                        pending.continuation.resume(throwing: error)
                    }
                }
            } catch {
                batch[0].continuation.resume(throwing: error)
            }
        }
    }

    private func run(_ works: [Work]) async throws -> [Answer] {
        let prepare = self.prepare
        let body = self.body
        return try await database.transaction { tx in
            try await prepare(works, tx)
            var answers: [Answer] = []
            answers.reserveCapacity(works.count)
            for work in works { answers.append(try await body(work, tx)) }
            return answers
        }
    }
}
