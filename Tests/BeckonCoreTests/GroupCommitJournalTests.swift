import BeckonCore
import BeckonTesting
import Foundation
import Logging
import Synchronization
import Testing

/// A store that records each transaction, so batching can be observed without a database.
final class RecordingStore: JournalStore {
    let batches = Mutex<[[JournalEvent]]>([])
    /// How many of the next writes fail.
    let failNext = Mutex(0)

    func write(_ appends: [JournalAppend]) async throws -> Set<Int> {
        if failNext.withLock({ failures in
            defer { failures = max(0, failures - 1) }; return failures > 0
        }) {
            throw BeckonError.storageUnavailable("disk full")
        }
        try await Task.sleep(for: .milliseconds(1))
        batches.withLock { $0.append(appends.flatMap(\.events)) }
        return []
    }

    func latestVisitorSequence(accountId: AccountID, visitorId: String) async throws -> Int64 { 0 }
    func latestSequence() async throws -> Int64 { 0 }

    func events(_ query: JournalQuery) async throws -> [StoredEvent] { [] }
    func events(accountId: AccountID, visitorId: String, since: Date, limit: Int) async throws -> [StoredEvent] { [] }
    func events(afterSequence: Int64, limit: Int) async throws -> [StoredEvent] { [] }
    func deleteVisitor(accountId: AccountID, visitorId: String) async throws -> Int { 0 }
    func count() async throws -> Int { batches.withLock { $0.reduce(0) { $0 + $1.count } } }
}

/// A store whose writes wait until released, to hold a commit in flight.
final class GatedStore: JournalStore {
    private let (enteredStream, enteredContinuation) = AsyncStream<Void>.makeStream()
    private let (releaseStream, releaseContinuation) = AsyncStream<Void>.makeStream()

    func entered() async {
        var iterator = enteredStream.makeAsyncIterator()
        _ = await iterator.next()
    }

    func release() { releaseContinuation.finish() }

    func write(_ appends: [JournalAppend]) async throws -> Set<Int> {
        enteredContinuation.yield()
        for await _ in releaseStream {}
        return []
    }

    func latestVisitorSequence(accountId: AccountID, visitorId: String) async throws -> Int64 { 0 }
    func latestSequence() async throws -> Int64 { 0 }

    func events(_ query: JournalQuery) async throws -> [StoredEvent] { [] }
    func events(accountId: AccountID, visitorId: String, since: Date, limit: Int) async throws -> [StoredEvent] { [] }
    func events(afterSequence: Int64, limit: Int) async throws -> [StoredEvent] { [] }
    func deleteVisitor(accountId: AccountID, visitorId: String) async throws -> Int { 0 }
    func count() async throws -> Int { 0 }
}

@Suite struct GroupCommitJournalTests {
    /// The failures these tests provoke on purpose are logged at error level; keep them out of the output.
    static let quietLogger: Logger = {
        var logger = Logger(label: "beckon.test.journal")
        logger.logLevel = .critical
        return logger
    }()

    static func event(_ n: Int) -> JournalEvent {
        JournalEvent(
            accountId: AccountID(trusted: "acme"), kind: .pageView, occurredAt: Date(timeIntervalSince1970: 0),
            visitorId: "v\(n)")
    }

    static let quickRetries = GroupCommitJournal.Configuration(retryDelay: .milliseconds(1), maxRetryDelay: .milliseconds(5))

    @Test func aFailedOrStalledCommitIsReportedUntilACommitSucceeds() async throws {
        let store = RecordingStore()
        let journal = GroupCommitJournal(store: store, configuration: Self.quickRetries, logger: Self.quietLogger)
        let writer = Task { try await journal.run() }
        #expect(journal.isCommitting())
        store.failNext.withLock { $0 = 1_000_000 }
        await #expect(throws: BeckonError.self) { try await journal.append([Self.event(1)]) }
        #expect(!journal.isCommitting())
        store.failNext.withLock { $0 = 0 }
        // The writer's retry succeeds: committing again.
        #expect(await eventually { journal.isCommitting() })
        // A commit in flight for longer than the stall limit counts as not committing.
        let gate = GatedStore()
        let stalled = GroupCommitJournal(store: gate, logger: Self.quietLogger)
        let stalledWriter = Task { try await stalled.run() }
        let append = Task { try await stalled.append([Self.event(3)]) }
        await gate.entered()
        #expect(stalled.isCommitting(stallAfter: .seconds(5)))
        #expect(!stalled.isCommitting(stallAfter: .seconds(5), now: .now + .seconds(6)))
        gate.release()
        try await append.value
        #expect(stalled.isCommitting(stallAfter: .seconds(5), now: .now + .seconds(6)))
        journal.close()
        stalled.close()
        try await writer.value
        try await stalledWriter.value
    }

    @Test func concurrentAppendsShareTransactions() async throws {
        let store = RecordingStore()
        let journal = GroupCommitJournal(store: store, configuration: .init(maxBatchEvents: 1000), logger: Self.quietLogger)
        let writer = Task { try await journal.run() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 { group.addTask { try await journal.append([Self.event(n)]) } }
            try await group.waitForAll()
        }
        let batches = store.batches.withLock { $0 }
        #expect(batches.reduce(0) { $0 + $1.count } == 200)
        #expect(batches.count < 200, "200 concurrent appends must not need 200 transactions")
        journal.close()
        try await writer.value
    }

    @Test func batchesRespectTheSizeLimitAndNeverSplitAnAppend() async throws {
        let store = RecordingStore()
        let journal = GroupCommitJournal(store: store, configuration: .init(maxBatchEvents: 10), logger: Self.quietLogger)
        let writer = Task { try await journal.run() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<30 { group.addTask { try await journal.append((0..<3).map { Self.event(n * 3 + $0) }) } }
            group.addTask { try await journal.append((0..<25).map { Self.event(1000 + $0) }) }
            try await group.waitForAll()
        }
        let batches = store.batches.withLock { $0 }
        #expect(batches.reduce(0) { $0 + $1.count } == 115)
        for batch in batches where batch.count > 10 { #expect(batch.count == 25) }
        let big = try #require(batches.first { $0.contains(Self.event(1000)) })
        #expect(big == (0..<25).map { Self.event(1000 + $0) })
        journal.close()
        try await writer.value
    }

    @Test func aFailedBatchFailsItsCallersAtOnceAndIsRetriedInOrder() async throws {
        let store = RecordingStore()
        let journal = GroupCommitJournal(store: store, configuration: Self.quickRetries, logger: Self.quietLogger)
        let writer = Task { try await journal.run() }
        store.failNext.withLock { $0 = 5 }
        await #expect(throws: BeckonError.storageUnavailable("journal commit failed")) { try await journal.append([Self.event(1)]) }
        // While commits fail, a caller hears so at once; its events queue behind the failed batch.
        await #expect(throws: BeckonError.self) { try await journal.append([Self.event(2)]) }
        #expect(await eventually { journal.isCommitting() })
        try await journal.append([Self.event(3)])
        // Nothing lost, nothing reordered, nothing written twice.
        #expect(store.batches.withLock { $0 }.flatMap { $0 } == [Self.event(1), Self.event(2), Self.event(3)])
        journal.close()
        try await writer.value
    }

    @Test func pastTheQueueLimitAppendsAreRefusedNotQueued() async throws {
        let store = RecordingStore()
        var configuration = Self.quickRetries
        configuration.maxQueuedEvents = 3
        let journal = GroupCommitJournal(store: store, configuration: configuration, logger: Self.quietLogger)
        // No writer: everything stays queued.
        let queued = (0..<3).map { journal.enqueue([Self.event($0)]) }
        await #expect(throws: BeckonError.storageUnavailable("journal queue full")) { try await journal.append([Self.event(9)]) }
        let writer = Task { try await journal.run() }
        for receipt in queued { try await receipt.durable() }
        #expect(try await store.count() == 3)
        journal.close()
        try await writer.value
    }

    @Test func closingWhileCommitsFailGivesUpInsteadOfHanging() async throws {
        let store = RecordingStore()
        store.failNext.withLock { $0 = 1_000_000 }
        let journal = GroupCommitJournal(store: store, configuration: Self.quickRetries, logger: Self.quietLogger)
        let writer = Task { try await journal.run() }
        await #expect(throws: BeckonError.self) { try await journal.append([Self.event(1)]) }
        journal.close()
        try await writer.value
        #expect(try await store.count() == 0)
    }

    @Test func closingCommitsWhatIsQueuedThenRefuses() async throws {
        let store = RecordingStore()
        let journal = GroupCommitJournal(
            store: store, configuration: .init(maxBatchEvents: 5, maxBatchDelay: .milliseconds(20)), logger: Self.quietLogger)
        let writer = Task { try await journal.run() }
        let appends = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<20 { group.addTask { try await journal.append([Self.event(n)]) } }
                try await group.waitForAll()
            }
        }
        try await appends.value
        journal.close()
        try await writer.value
        #expect(try await store.count() == 20)
        await #expect(throws: BeckonError.journalClosed) { try await journal.append([Self.event(99)]) }
    }

    @Test func cancellingTheWriterFailsWaitersInsteadOfHanging() async throws {
        let store = RecordingStore()
        let journal = GroupCommitJournal(store: store, logger: Self.quietLogger)
        // No writer runs yet: the append waits in the queue.
        let waiting = Task { try await journal.append([Self.event(1)]) }
        try await Task.sleep(for: .milliseconds(20))
        let writer = Task { try await journal.run() }
        writer.cancel()
        try? await writer.value
        // Committed before the cancellation landed, or failed (closed, or cancelled mid-commit); never stuck.
        do {
            try await waiting.value
            #expect(try await store.count() == 1)
        } catch {
            // Closed, or failed mid-commit (the cancelled store write) and given up after retries.
            #expect(error is BeckonError || error is CancellationError)
        }
    }
}
