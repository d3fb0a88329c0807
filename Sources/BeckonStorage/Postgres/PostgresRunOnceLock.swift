import BeckonCore
import Foundation
package import Logging
import Synchronization

/// `RunOnceLock` over PostgreSQL session-level advisory locks (SPEC §14). A node takes a
/// connection of its pool, tries `pg_try_advisory_lock` every `retryInterval`, and while it holds
/// the lock runs the work and checks the connection every `heartbeat`; PostgreSQL releases the
/// lock when the connection ends, so when the holder dies (or its connection does) another node
/// takes the work over within `retryInterval`, and a holder that lost its connection stops
/// within `heartbeat`.
///
/// The key is a 64-bit hash of the schema and the work's name, so installations sharing a
/// database (tests give each run a schema) do not contend. `pg_locks` shows the holder
/// (`objid`/`classid`), `pg_stat_activity` its `application_name` (the node id).
package struct PostgresRunOnceLock: RunOnceLock {
    let database: PostgresDatabase
    let node: String
    let retryInterval: Duration
    let heartbeat: Duration
    let logger: Logger

    package init(
        database: PostgresDatabase, node: String, retryInterval: Duration = .seconds(1), heartbeat: Duration = .seconds(1),
        logger: Logger
    ) {
        self.database = database
        self.node = node
        self.retryInterval = retryInterval
        self.heartbeat = heartbeat
        self.logger = logger
    }

    package var isAlone: Bool { false }

    package func run(holding name: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        var key: Int64?
        while !Task.isCancelled {
            do {
                if key == nil { key = try await lockKey(name) }
                if let key, try await holdWhileRunning(key: key, name: name, body) { return }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("run-once lock lost or not reachable", metadata: ["work": "\(name)", "error": "\(error)"])
            }
            try? await Task.sleep(for: retryInterval)
        }
    }

    /// The lock's key: the first 8 bytes of SHA-256 over `<schema> <name>`, computed by PostgreSQL.
    private func lockKey(_ name: String) async throws -> Int64 {
        let rows = try await DeadlineDatabase.within(heartbeat * 5) {
            try await database.query(
                "SELECT ('x' || substr(encode(sha256(convert_to(current_schema() || ' ' || ?, 'UTF8')), 'hex'), 1, 16))::bit(64)::bigint AS key",
                .text(name))
        }
        return try rows.first?.int("key") ?? 0
    }

    /// Holds the lock and runs `body`: true when `body` finished, false when the lock was held
    /// elsewhere; throws when the connection was lost while holding it.
    private func holdWhileRunning(key: Int64, name: String, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        let finished = FinishedFlag()
        try await database.withSession { session in
            let held = try await DeadlineDatabase.within(heartbeat * 5) {
                try await session.query("SELECT pg_try_advisory_lock(?) AS held", .integer(key))
            }
            guard try held.first?.int("held") == 1 else { return }
            logger.info("holding run-once work", metadata: ["work": "\(name)", "node": "\(node)"])
            defer { logger.info("no longer holding run-once work", metadata: ["work": "\(name)", "node": "\(node)"]) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await body()
                    finished.set()
                }
                group.addTask {
                    // Throws once the connection (and with it the lock) is gone, or stops answering.
                    while true {
                        try await Task.sleep(for: heartbeat)
                        _ = try await DeadlineDatabase.within(heartbeat * 2) { try await session.query("SELECT 1 AS alive") }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
            _ = try? await DeadlineDatabase.within(heartbeat * 2) {
                try await session.query("SELECT pg_advisory_unlock(?) AS released", .integer(key))
            }
        }
        return finished.isSet
    }
}

/// Whether the work returned by itself (not cancelled by a lost lock).
private final class FinishedFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
