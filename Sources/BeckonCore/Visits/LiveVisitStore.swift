package import Foundation
import Synchronization

/// Live visitors in memory (SPEC §7, §16), sharded by visitor id so requests on different cores
/// rarely wait for each other, and bounded: past `capacity` visitors, the least recently used
/// of a shard is dropped in O(1) (the journal still has it; it is rebuilt if it comes back).
package final class LiveVisitStore: Sendable {
    package struct Key: Hashable, Sendable {
        package var accountId: AccountID
        package var visitorId: VisitToken

        package init(accountId: AccountID, visitorId: VisitToken) {
            self.accountId = accountId
            self.visitorId = visitorId
        }
    }

    private final class Shard: Sendable {
        let visitors: Mutex<LRUMap<Key, VisitorState>>
        init(capacity: Int) { visitors = Mutex(LRUMap(capacity: capacity)) }
    }

    private let shards: [Shard]
    private let capacityPerShard: Int

    package init(capacity: Int = 2_000_000, shardCount: Int = 64) {
        let count = max(1, shardCount)
        capacityPerShard = max(1, capacity / count)
        shards = (0..<count).map { [capacityPerShard] _ in Shard(capacity: capacityPerShard) }
    }

    private func shard(_ key: Key) -> Shard {
        shards[Int(truncatingIfNeeded: key.visitorId.low % UInt64(shards.count))]
    }

    /// Runs `body` with exclusive access to the visitor (nil when not held). Setting it to nil
    /// forgets the visitor; a new visitor beyond capacity evicts the least recently active one.
    package func withVisitor<T: Sendable>(_ key: Key, _ body: (inout VisitorState?) throws -> T) rethrows -> T {
        // The state is moved out while `body` runs (no copy-on-write) and put back even when it throws.
        try shard(key).visitors.withLock { visitors in
            let (result, _) = try visitors.update(key) { state in try body(&state) }
            return result
        }
    }

    /// Stores `state` unless the visitor is already held (someone rebuilt it first).
    package func insertIfAbsent(_ key: Key, _ state: VisitorState) {
        withVisitor(key) { current in
            if current == nil { current = state }
        }
    }

    package func contains(_ key: Key) -> Bool {
        shard(key).visitors.withLock { $0.contains(key) }
    }

    /// Drops visits past their live window and visitors with nothing left; returns how many
    /// visitors remain.
    @discardableResult
    package func sweep(now: Date, liveWindow: Duration) -> Int {
        let nowMs = now.millisecondsSince1970
        let windowMs = liveWindow.milliseconds
        var remaining = 0
        for shard in shards {
            remaining += shard.visitors.withLock { visitors in
                visitors.retain { _, state in state.expire(now: nowMs, liveWindowMs: windowMs) }
                return visitors.count
            }
        }
        return remaining
    }

    /// Forgets every visitor (what another node did may have been missed); each is rebuilt from
    /// the journal when it comes back.
    package func removeAll() {
        for shard in shards { shard.visitors.withLock { $0.removeAll() } }
    }

    package var visitorCount: Int { shards.reduce(0) { $0 + $1.visitors.withLock { $0.count } } }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
