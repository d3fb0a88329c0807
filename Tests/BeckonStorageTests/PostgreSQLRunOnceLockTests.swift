import BeckonCore
import BeckonStorage
import BeckonTesting
import Foundation
import Synchronization
import Testing

/// Work that runs on one node at a time (SPEC §14): two nodes ask for the same lock; one works,
/// and the other takes over when the first stops or loses its connection.
@Suite(.enabled(if: TestStorage.postgresURL != nil, "needs BECKON_TEST_POSTGRES_URL"))
struct PostgreSQLRunOnceLockTests {
    /// Which nodes are working now, and every node that ever did, in order.
    final class Workers: Sendable {
        private let state = Mutex<(now: Set<String>, ever: [String])>(([], []))
        var now: Set<String> { state.withLock { $0.now } }
        var ever: [String] { state.withLock { $0.ever } }

        /// Works as `node` until cancelled.
        func work(as node: String) async {
            state.withLock { state in
                state.now.insert(node)
                state.ever.append(node)
            }
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
            _ = state.withLock { $0.now.remove(node) }
        }
    }

    /// Node B's id, unique to the test (tests run in parallel on one PostgreSQL server).
    let nodeB = "node-b-" + RandomToken.make(byteCount: 6)

    @Test func oneNodeWorksAndAnotherTakesOverWhenItStopsOrLosesItsConnection() async throws {
        try await TestStorage.withPostgres { a, configuration in
            var second = configuration
            second.nodeId = nodeB
            try await StorageFactory.open(second, schema: .requireCurrent, logger: TestStorage.logger) { b in
                #expect(!a.runOnce.isAlone)
                let workers = Workers()
                let onA = Task { try await a.runOnce.run(holding: "reports.rollups") { await workers.work(as: "a") } }
                #expect(await eventually { workers.now == ["a"] })
                let onB = Task { try await b.runOnce.run(holding: "reports.rollups") { await workers.work(as: "b") } }
                // Another work's lock is free: B holds it at once while it waits for this one.
                let other = Task { try await b.runOnce.run(holding: "retention") { await workers.work(as: "b-retention") } }
                #expect(await eventually { workers.now == ["a", "b-retention"] })
                other.cancel()

                // A stops (a node shut down): B takes over.
                onA.cancel()
                #expect(await eventually { workers.now == ["b"] })

                // B's connection is cut (its node froze, its network failed): B stops working, A takes over.
                let onAAgain = Task { try await a.runOnce.run(holding: "reports.rollups") { await workers.work(as: "a") } }
                try await TestStorage.withPostgresAdmin { admin in
                    let cut = try await admin.query(
                        """
                        SELECT pg_terminate_backend(held.pid) AS done FROM (
                            SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
                            WHERE l.locktype = 'advisory' AND s.application_name = '\(nodeB)'
                        ) held
                        """)
                    // One connection holds all of B's locks (the retention one may not be released yet).
                    #expect(cut.count == 1)
                }
                #expect(await eventually { workers.now == ["a"] })
                #expect(workers.ever.filter { $0 != "b-retention" } == ["a", "b", "a"], "in turn: A, then B, then A again")
                onB.cancel()
                onAAgain.cancel()
                _ = await (onA.result, onB.result, onAAgain.result, other.result)
            }
        }
    }
}
