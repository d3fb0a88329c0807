package import Foundation
package import Logging
package import ServiceLifecycle
import Synchronization

/// Group commit over a `JournalStore`: callers' appends queue in memory; one writer task takes
/// everything queued (up to `maxBatchEvents`), commits it in one transaction, and only then
/// resumes those callers. While one batch commits the next one fills, so throughput grows with
/// concurrency instead of being capped at one commit per request (SPEC §16).
///
/// Run it as a `Service`: `run()` is the writer. On graceful shutdown it stops taking new
/// appends, commits what is queued, and returns.
package final class GroupCommitJournal: EventJournal, Service {
    package struct Configuration: Sendable {
        /// The most events one transaction holds.
        package var maxBatchEvents: Int
        /// How long the writer lingers for more events when a batch is not full. Zero (the
        /// default) commits at once: events that arrive during a commit already form the next
        /// batch, and `scripts/bench-journal` measured lingering only lowering throughput with
        /// 64 concurrent appenders (SQLite: 31k events/s at 0 ms, 16k at 2 ms).
        package var maxBatchDelay: Duration
        /// After a failed commit the writer waits this long before retrying the batch, doubling
        /// up to `maxRetryDelay` while failures go on.
        package var retryDelay: Duration
        package var maxRetryDelay: Duration
        /// The most events queued (during an outage the queue grows): past it appends are
        /// refused and their events dropped, so memory stays bounded.
        package var maxQueuedEvents: Int

        package init(
            maxBatchEvents: Int = 2000, maxBatchDelay: Duration = .zero, retryDelay: Duration = .milliseconds(100),
            maxRetryDelay: Duration = .seconds(1), maxQueuedEvents: Int = 500_000
        ) {
            self.maxBatchEvents = max(1, maxBatchEvents)
            self.maxBatchDelay = maxBatchDelay
            self.retryDelay = retryDelay
            self.maxRetryDelay = max(retryDelay, maxRetryDelay)
            self.maxQueuedEvents = max(1, maxQueuedEvents)
        }
    }

    private struct Pending {
        var events: [JournalEvent]
        var receipt: JournalReceipt
        /// The copy of a visitor the events were made from (`VisitorState.lineage`), if any.
        var lineage: UInt64?
    }

    private struct State {
        var queue: [Pending] = []
        var queuedEvents = 0
        var writerWaiting: CheckedContinuation<Void, Never>?
        var closed = false
        /// When the commit in flight began, if one is.
        var commitStarted: ContinuousClock.Instant?
        /// Whether the last commit failed (cleared by the next one that succeeds).
        var lastCommitFailed = false
        /// Failed commits in a row.
        var failures = 0
        /// Appends refused because the queue was full.
        var dropped = 0
        /// Copies of visitors whose events were refused or dropped: whatever else they make was
        /// made on a history storage does not have, and is refused until the copy is dropped
        /// (`unfence`).
        var fenced: Set<UInt64> = []
    }

    /// The most fenced copies remembered (each is dropped by its next change anyway).
    static let maxFenced = 100_000

    private let store: any JournalStore
    private let configuration: Configuration
    private let logger: Logger
    private let metrics: DomainMetrics
    private let state = Mutex(State())

    package init(
        store: any JournalStore, configuration: Configuration = .init(), logger: Logger, metrics: DomainMetrics = DomainMetrics()
    ) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    package func append(_ events: [JournalEvent]) async throws {
        try await enqueue(events).durable()
    }

    /// Queues `events` without waiting and answers a receipt to wait on. The live-visit path
    /// enqueues while it holds the visitor's lock, so the journal keeps one visitor's events in
    /// the order they were applied in memory; it waits for durability after letting go.
    /// `lineage` names the visitor's copy they were made from: once one of its changes is
    /// refused (`JournalRefusal.staleCopy`) or dropped, the rest are refused too.
    package func enqueue(_ events: [JournalEvent], lineage: UInt64? = nil) -> JournalReceipt {
        let receipt = JournalReceipt()
        guard !events.isEmpty else {
            receipt.complete(.success(()))
            return receipt
        }
        let (outcome, writer) = state.withLock { state -> (Admission, CheckedContinuation<Void, Never>?) in
            if let lineage, state.fenced.contains(lineage) { return (.stale, nil) }
            guard !state.closed else {
                Self.fence(lineage, in: &state)
                return (.closed, nil)
            }
            guard state.queuedEvents + events.count <= configuration.maxQueuedEvents else {
                state.dropped += 1
                Self.fence(lineage, in: &state)
                return (.full(droppedSoFar: state.dropped), nil)
            }
            state.queue.append(Pending(events: events, receipt: receipt, lineage: lineage))
            state.queuedEvents += events.count
            let writer = state.writerWaiting
            state.writerWaiting = nil
            return (state.lastCommitFailed ? .queuedDuringOutage : .queued, writer)
        }
        writer?.resume()
        switch outcome {
        case .queued: break
        case .queuedDuringOutage:
            // Commits fail: the caller hears so now (503) instead of waiting for the retries; the
            // events stay queued in order and are written once the database is back.
            receipt.complete(.failure(BeckonError.storageUnavailable("journal commits fail")))
        case .full(let dropped):
            if dropped % 1000 == 1 {
                logger.error("journal queue full: appends refused and their events dropped", metadata: ["droppedSoFar": "\(dropped)"])
            }
            receipt.complete(.failure(BeckonError.storageUnavailable("journal queue full")))
        case .closed:
            receipt.complete(.failure(BeckonError.journalClosed))
        case .stale:
            receipt.complete(.failure(JournalRefusal.staleCopy))
        }
        return receipt
    }

    private enum Admission {
        case queued, queuedDuringOutage, full(droppedSoFar: Int), closed, stale
    }

    private static func fence(_ lineage: UInt64?, in state: inout State) {
        guard let lineage else { return }
        if state.fenced.count >= maxFenced { state.fenced.removeAll() }
        state.fenced.insert(lineage)
    }

    /// The copy `lineage` is gone (dropped under its visitor's lock, so nothing more is made from
    /// it): forget that it was fenced.
    package func unfence(_ lineage: UInt64) {
        _ = state.withLock { $0.fenced.remove(lineage) }
    }

    /// The highest visitor sequence stored for the visitor; 0 when none.
    package func latestVisitorSequence(accountId: AccountID, visitorId: String) async throws -> Int64 {
        try await store.latestVisitorSequence(accountId: accountId, visitorId: visitorId)
    }

    package func events(_ query: JournalQuery) async throws -> [StoredEvent] {
        try await store.events(query)
    }

    package func events(accountId: AccountID, visitorId: String, since: Date, limit: Int) async throws -> [StoredEvent] {
        try await store.events(accountId: accountId, visitorId: visitorId, since: since, limit: limit)
    }

    /// The writer loop.
    package func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                while await waitForWork() {
                    await lingerIfBatchIsSmall()
                    await commit(takeBatch())
                }
            } onGracefulShutdown: {
                self.close()
            }
        } onCancel: {
            self.close()
        }
        // Cancellation (not graceful shutdown) may leave callers queued: fail them rather than
        // leave them waiting forever.
        close()
        for pending in state.withLock({ state in
            defer { state.queue = [] }; return state.queue
        }) {
            pending.receipt.complete(.failure(BeckonError.journalClosed))
        }
    }

    /// Stops accepting appends; what is queued is still committed by the writer.
    package func close() {
        let writer = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.writerWaiting = nil }
            return state.writerWaiting
        }
        writer?.resume()
    }

    /// Suspends until something is queued; false once closed with nothing left to commit.
    private func waitForWork() async -> Bool {
        while true {
            let ready = state.withLock { state -> Bool? in
                if !state.queue.isEmpty { return true }
                if state.closed { return false }
                return nil
            }
            if let ready { return ready }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.queue.isEmpty || state.closed { return true }
                    state.writerWaiting = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    private func lingerIfBatchIsSmall() async {
        guard configuration.maxBatchDelay > .zero else { return }
        let queued = state.withLock { $0.queuedEvents }
        if queued < configuration.maxBatchEvents {
            try? await Task.sleep(for: configuration.maxBatchDelay)
        }
    }

    /// Takes whole appends (an append is never split across transactions) up to the batch size;
    /// one oversized append still goes alone.
    private func takeBatch() -> [Pending] {
        state.withLock { state in
            var taken = 0
            var count = 0
            for pending in state.queue {
                if count > 0 && count + pending.events.count > configuration.maxBatchEvents { break }
                count += pending.events.count
                taken += 1
            }
            let batch = Array(state.queue.prefix(taken))
            state.queue.removeFirst(taken)
            state.queuedEvents -= count
            return batch
        }
    }

    /// Whether the journal commits: false while the last commit failed or the one in flight has
    /// taken longer than `stallAfter` (what `/readyz` reports, SPEC §13a).
    package func isCommitting(stallAfter: Duration = .seconds(5), now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            if state.lastCommitFailed { return false }
            if let started = state.commitStarted, now - started > stallAfter { return false }
            return true
        }
    }

    /// Commits `batch`. A failed batch goes back to the front of the queue, so it is retried
    /// first and nothing behind it overtakes it; its callers hear of the failure at once. Once
    /// closed, the writer gives up after a few failed retries (and logs what it could not write).
    private func commit(_ batch: [Pending]) async {
        guard !batch.isEmpty else { return }
        state.withLock { $0.commitStarted = .now }
        let events = batch.flatMap(\.events)
        do {
            let started = ContinuousClock.now
            let refused = try await store.write(batch.map { JournalAppend(events: $0.events) })
            metrics.committed(events: events.count, in: ContinuousClock.now - started)
            if !refused.isEmpty { refuse(batch, at: refused) }
            let recovered = state.withLock { state -> Int in
                defer { (state.lastCommitFailed, state.failures, state.commitStarted) = (false, 0, nil) }
                return state.failures
            }
            if recovered > 0 { logger.notice("journal commits again", metadata: ["failedAttempts": "\(recovered)"]) }
            for (position, pending) in batch.enumerated() where !refused.contains(position) {
                pending.receipt.complete(.success(()))
            }
        } catch {
            let (failures, closed, waiting) = state.withLock { state -> (Int, Bool, [Pending]) in
                state.commitStarted = nil
                state.lastCommitFailed = true
                state.failures += 1
                state.queue.insert(contentsOf: batch, at: 0)
                state.queuedEvents += events.count
                // Appends queued while this commit was in flight would otherwise wait for the retry.
                return (state.failures, state.closed, state.failures == 1 ? state.queue : batch)
            }
            for pending in waiting { pending.receipt.complete(.failure(BeckonError.storageUnavailable("journal commit failed"))) }
            if failures == 1 || failures % 20 == 0 {
                logger.error(
                    "journal batch failed; retrying", metadata: ["events": "\(events.count)", "attempts": "\(failures)", "error": "\(error)"])
            }
            if closed && failures >= 3 {
                abandonQueue()
                return
            }
            let delay = min(configuration.retryDelay * (1 << min(failures - 1, 16)), configuration.maxRetryDelay)
            try? await Task.sleep(for: delay)
        }
    }

    /// Storage refused these appends: made from copies of visitors that missed what another node
    /// wrote. Their copies are fenced, and what else is queued from them is refused with them.
    private func refuse(_ batch: [Pending], at positions: Set<Int>) {
        let refused = positions.sorted().map { batch[$0] }
        let alsoRefused = state.withLock { state -> [Pending] in
            for pending in refused { Self.fence(pending.lineage, in: &state) }
            var kept: [Pending] = []
            var removed: [Pending] = []
            for pending in state.queue {
                if let lineage = pending.lineage, state.fenced.contains(lineage) { removed.append(pending) } else { kept.append(pending) }
            }
            state.queue = kept
            state.queuedEvents -= removed.reduce(0) { $0 + $1.events.count }
            return removed
        }
        metrics.refusedStaleCopies(refused.count + alsoRefused.count)
        logger.notice(
            "journal refused changes made from stale copies of visitors; they are rebuilt and retried",
            metadata: ["appends": "\(refused.count + alsoRefused.count)"])
        for pending in refused + alsoRefused { pending.receipt.complete(.failure(JournalRefusal.staleCopy)) }
    }

    /// Shutting down while the database does not answer: what is queued cannot be written.
    private func abandonQueue() {
        let left = state.withLock { state -> [Pending] in
            defer { (state.queue, state.queuedEvents) = ([], 0) }
            return state.queue
        }
        logger.critical(
            "journal closed with events not committed", metadata: ["events": "\(left.reduce(0) { $0 + $1.events.count })"])
        for pending in left { pending.receipt.complete(.failure(BeckonError.journalClosed)) }
    }
}

/// The promise of one `enqueue`: completes once, when its events are committed (or failed).
package final class JournalReceipt: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Void, any Error>])
        case done(Result<Void, any Error>)
    }

    private let state = Mutex(State.waiting([]))

    init() {}

    /// Returns when the events are durable; throws when committing them failed.
    package func durable() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let result = state.withLock { state -> Result<Void, any Error>? in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .done(let result): return result
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    func complete(_ result: Result<Void, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .done(result)
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
