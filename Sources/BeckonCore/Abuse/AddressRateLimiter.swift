import Synchronization

/// Token buckets per client address (SPEC §13), in bounded memory: at most `capacity` buckets,
/// the oldest dropped first when a new address comes (O(1)), so an attacker with many addresses
/// cannot grow it. A dropped address starts again with a full bucket, which only ever lets
/// through one more minute's worth. Per node: on several nodes the limit is approximate.
package final class AddressRateLimiter: Sendable {
    package struct Key: Hashable, Sendable {
        /// What is limited: `requests` or `newVisitors`, with the account (or `*` for the node).
        package var scope: String
        package var address: String

        package init(scope: String, address: String) {
            self.scope = scope
            self.address = address
        }
    }

    struct Bucket {
        var tokens: Double
        var updatedAt: Int64
    }

    struct Buckets {
        var buckets: [Key: Bucket] = [:]
        var ring: [Key?]
        var next = 0
    }

    private final class Shard: Sendable {
        let state: Mutex<Buckets>
        init(size: Int) { state = Mutex(Buckets(ring: Array(repeating: nil, count: size))) }
    }

    private let shards: [Shard]
    private let clock: any WallClock

    package init(capacity: Int = 100_000, clock: any WallClock = SystemWallClock()) {
        let count = 16
        let perShard = max(1, capacity / count)
        self.shards = (0..<count).map { _ in Shard(size: perShard) }
        self.clock = clock
    }

    /// Takes one token from `key`'s bucket of `perMinute` tokens (refilled continuously, full
    /// after a minute). Nil when allowed, otherwise the seconds until a token is back.
    package func take(_ key: Key, perMinute: Int) -> Int? {
        let now = clock.now().millisecondsSince1970
        let rate = Double(perMinute) / 60_000
        let capacity = Double(perMinute)
        return shards[abs(key.hashValue % shards.count)].state.withLock { shard -> Int? in
            var bucket: Bucket
            if let existing = shard.buckets[key] {
                bucket = existing
                bucket.tokens = min(capacity, bucket.tokens + Double(max(0, now - bucket.updatedAt)) * rate)
            } else {
                if let evicted = shard.ring[shard.next] { shard.buckets[evicted] = nil }
                shard.ring[shard.next] = key
                shard.next = (shard.next + 1) % shard.ring.count
                bucket = Bucket(tokens: capacity, updatedAt: now)
            }
            bucket.updatedAt = now
            guard bucket.tokens >= 1 else {
                shard.buckets[key] = bucket
                return max(1, Int(((1 - bucket.tokens) / rate / 1000).rounded(.up)))
            }
            bucket.tokens -= 1
            shard.buckets[key] = bucket
            return nil
        }
    }

    /// How many buckets are held (for tests and metrics).
    package var count: Int { shards.reduce(0) { $0 + $1.state.withLock { $0.buckets.count } } }
}
