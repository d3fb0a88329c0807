/// Work that must run on one node at a time (SPEC §14): report rollups, webhook delivery,
/// retention. Each node's service asks to hold the work's lock and does the work only while it
/// holds it; when the holder dies its lock is released and another node takes the work over.
package protocol RunOnceLock: Sendable {
    /// Whether this node always holds every lock (a single node: nobody to share with).
    var isAlone: Bool { get }
    /// Waits until this node holds `name`, then runs `body` while it does: returns when `body`
    /// returns, and cancels `body` when the hold is lost (then waits to hold it again, until
    /// cancelled).
    func run(holding name: String, _ body: @escaping @Sendable () async throws -> Void) async throws
}

/// One node (SQLite): the lock is always held.
package struct SingleNodeLock: RunOnceLock {
    package init() {}
    package var isAlone: Bool { true }
    package func run(holding name: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await body()
    }
}
