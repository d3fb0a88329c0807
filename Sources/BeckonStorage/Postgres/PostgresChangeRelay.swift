package import BeckonCore
import Foundation
package import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Carries what one node must hear from the others (SPEC §14) over PostgreSQL `LISTEN/NOTIFY`, on
/// the channel `beckon_<schema>`:
/// - configuration changes, which the database announces itself (migration 13's triggers), are
///   published on this node's `ChangeFeed`, unless this node made them (it told its caches then);
/// - visitor claims this node makes are sent to the others in batches, and theirs are published
///   on `VisitorClaims.heard`.
///
/// Notifications sent while a node is not listening are gone, so after every (re)connection the
/// relay publishes `.everything`: caches forget all they hold and visitors are rebuilt from the
/// journal. A connection that goes quiet is noticed by the relay's own ping (sent every
/// `heartbeat`, expected back within `silenceLimit`) and replaced.
package final class PostgresChangeRelay: Service {
    package struct Settings: Sendable, Equatable {
        package var heartbeat: Duration
        package var silenceLimit: Duration
        /// Waits between attempts to listen again, doubling up to `maxReconnectDelay`.
        package var reconnectDelay: Duration
        package var maxReconnectDelay: Duration

        package init(
            heartbeat: Duration = .seconds(2), silenceLimit: Duration = .seconds(6), reconnectDelay: Duration = .milliseconds(200),
            maxReconnectDelay: Duration = .seconds(2)
        ) {
            self.heartbeat = heartbeat
            self.silenceLimit = max(silenceLimit, heartbeat * 2)
            self.reconnectDelay = reconnectDelay
            self.maxReconnectDelay = max(reconnectDelay, maxReconnectDelay)
        }
    }

    /// PostgreSQL refuses a payload of 8,000 bytes or more.
    static let maxPayloadBytes = 7_000
    /// Claims waiting to be sent, at most (older ones are dropped past it).
    static let maxQueuedClaims = 100_000

    private struct State {
        var listening = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var lastHeard = ContinuousClock.now
        /// Times a listening connection was established.
        var connections = 0
    }

    private let database: PostgresDatabase
    private let node: String
    private let changes: ChangeFeed
    private let claims: VisitorClaims
    private let settings: Settings
    private let logger: Logger
    private let state = Mutex(State())
    private let outbox = Mutex<[LiveVisitStore.Key]>([])

    package init(
        database: PostgresDatabase, node: String, changes: ChangeFeed, claims: VisitorClaims, settings: Settings = .init(),
        logger: Logger
    ) {
        self.database = database
        self.node = node
        self.changes = changes
        self.claims = claims
        self.settings = settings
        self.logger = logger
    }

    /// Whether the relay listens now.
    package var isListening: Bool { state.withLock { $0.listening } }

    /// Returns once the relay listens (the first time), or after `limit`; false then.
    package func waitUntilListening(within limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let now = self.state.withLock { state -> Bool in
                        if state.listening { return true }
                        state.waiters.append(continuation)
                        return false
                    }
                    if now { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            if !first { self.releaseWaiters() }
            group.cancelAll()
            return first
        }
    }

    package func run() async throws {
        let channel = try await channelName()
        // Claims queue here; the doorbell wakes the sender, which takes all queued at once.
        let (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let subscription = claims.made.subscribe { key in
            self.outbox.withLock { keys in
                if keys.count >= Self.maxQueuedClaims { keys.removeFirst(keys.count / 2) }
                keys.append(key)
            }
            ring.yield()
        }
        defer {
            subscription.cancel()
            ring.finish()
            releaseWaiters()
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listenUntilCancelled(channel) }
                group.addTask { await self.sendClaims(whenRung: doorbell, on: channel) }
                group.addTask { await self.ping(channel) }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// `beckon_<schema>`: what the triggers notify on, so nodes of another schema (tests, a second
    /// installation in one database) are not disturbed.
    private func channelName() async throws -> String {
        var schema: String?
        while schema == nil {
            do {
                let database = self.database
                schema = try await DeadlineDatabase.within(settings.silenceLimit) {
                    try await database.query("SELECT current_schema() AS schema").first?.text("schema") ?? "public"
                }
            } catch {
                try Task.checkCancellation()
                logger.warning("change relay cannot reach PostgreSQL yet", metadata: ["error": "\(error)"])
                try await Task.sleep(for: settings.reconnectDelay)
            }
        }
        guard let schema, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw BeckonError.invalidInput(field: "storage.postgres.searchPath", reason: "must be letters, digits and _")
        }
        return "beckon_" + schema
    }

    private func listenUntilCancelled(_ channel: String) async {
        var delay = settings.reconnectDelay
        while !Task.isCancelled {
            do {
                try await database.listen(on: channel) { notifications in
                    self.connected()
                    delay = self.settings.reconnectDelay
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await notification in notifications { self.heard(notification.payload) }
                            throw BeckonError.storageUnavailable("the notification stream ended")
                        }
                        group.addTask { try await self.watchForSilence() }
                        try await group.next()
                        group.cancelAll()
                    }
                }
            } catch {
                if Task.isCancelled { return }
                state.withLock { $0.listening = false }
                logger.warning(
                    "lost the change feed from the other nodes; listening again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, settings.maxReconnectDelay)
        }
    }

    /// Listening (again): whatever was sent while not listening is lost, so every cache forgets.
    private func connected() {
        let (waiters, connections) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Int) in
            state.listening = true
            state.lastHeard = .now
            state.connections += 1
            defer { state.waiters = [] }
            return (state.waiters, state.connections)
        }
        changes.publish(.everything)
        if connections > 1 { logger.notice("listening to the other nodes again; caches flushed") }
        for waiter in waiters { waiter.resume() }
    }

    private func releaseWaiters() {
        let waiters = state.withLock { state in
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Throws once nothing (not even this node's own ping) was heard for `silenceLimit`.
    private func watchForSilence() async throws {
        while true {
            try await Task.sleep(for: settings.heartbeat)
            let quiet = ContinuousClock.now - state.withLock { $0.lastHeard }
            if quiet > settings.silenceLimit {
                throw BeckonError.storageUnavailable("nothing heard on the change feed for \(quiet)")
            }
        }
    }

    private func ping(_ channel: String) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: settings.heartbeat)
            _ = try? await notify(channel, "p \(node)")
        }
    }

    /// Bounded like every other query (a connection the server ended can leave a query waiting
    /// forever): a notification that does not go out in time is sent again by the caller.
    private func notify(_ channel: String, _ payload: String) async throws {
        let database = self.database
        _ = try await DeadlineDatabase.within(settings.silenceLimit) {
            try await database.query("SELECT pg_notify(?, ?)", [.text(channel), .text(payload)])
        }
    }

    /// One payload from the channel.
    func heard(_ payload: String) {
        state.withLock { $0.lastHeard = .now }
        guard let message = RelayMessage(payload), message.node != node else { return }
        switch message.body {
        case .change(let change): changes.publish(change)
        case .claims(let keys): for key in keys { claims.heard.publish(key) }
        case .ping: break
        }
    }

    /// Sends this node's claims, as many per notification as fit (a burst of failovers needs few).
    /// A claim that could not be sent is sent again (first) until it is, or the node stops: the
    /// other nodes' copies are fenced by the journal all the same (SPEC §14), but only a claim
    /// keeps them from answering reads from an old copy.
    private func sendClaims(whenRung doorbell: AsyncStream<Void>, on channel: String) async {
        for await _ in doorbell {
            var failures = 0
            while !Task.isCancelled {
                let keys = outbox.withLock { keys in
                    defer { keys.removeAll(keepingCapacity: true) }
                    return keys
                }
                guard !keys.isEmpty else { break }
                var sent = 0
                do {
                    for batch in RelayMessage.claimBatches(keys, node: node, maxBytes: Self.maxPayloadBytes) {
                        try await notify(channel, batch.payload)
                        sent += batch.count
                    }
                } catch {
                    failures += 1
                    if failures == 1 || failures % 50 == 0 {
                        logger.warning("could not announce visitor claims yet; retrying", metadata: ["error": "\(error)"])
                    }
                    let unsent = keys[sent...]
                    outbox.withLock { keys in keys.insert(contentsOf: unsent, at: 0) }
                    try? await Task.sleep(for: settings.reconnectDelay)
                }
            }
        }
    }
}

/// What travels on the channel: `c <node> <kind> <account>` (a trigger), `v <node>` followed by
/// one `<account> <visitor>` line per claim, and `p <node>` (a relay's ping).
struct RelayMessage: Equatable {
    enum Body: Equatable {
        case change(ConfigurationChange)
        case claims([LiveVisitStore.Key])
        case ping
    }

    var node: String
    var body: Body

    init(node: String, body: Body) {
        self.node = node
        self.body = body
    }

    init?(_ payload: String) {
        var lines = payload.split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return nil }
        let head = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard head.count >= 2 else { return nil }
        node = String(head[1])
        switch head[0] {
        case "c":
            guard head.count == 4 else { return nil }
            let account = AccountID(trusted: String(head[3]))
            switch head[2] {
            case "campaigns": body = .change(.campaigns(account))
            case "settings": body = .change(.settings(account))
            case "sites": body = .change(.sites(account))
            case "apiKeys": body = .change(.apiKeys(account))
            // A kind this build does not know (a newer node): forget everything to be safe.
            default: body = .change(.everything)
            }
        case "v":
            body = .claims(
                lines.compactMap { line in
                    let parts = line.split(separator: " ")
                    guard parts.count == 2, let visitor = VisitToken(parts[1]) else { return nil }
                    return LiveVisitStore.Key(accountId: AccountID(trusted: String(parts[0])), visitorId: visitor)
                })
        case "p": body = .ping
        default: return nil
        }
    }

    /// `keys` as claim payloads of at most `maxBytes` each, in order, with how many keys each holds.
    static func claimBatches(_ keys: [LiveVisitStore.Key], node: String, maxBytes: Int) -> [(payload: String, count: Int)] {
        var batches: [(payload: String, count: Int)] = []
        var current = "v \(node)"
        var count = 0
        for key in keys {
            let line = "\n\(key.accountId.rawValue) \(key.visitorId)"
            if count > 0 && current.utf8.count + line.utf8.count > maxBytes {
                batches.append((current, count))
                current = "v \(node)"
                count = 0
            }
            current += line
            count += 1
        }
        if count > 0 { batches.append((current, count)) }
        return batches
    }
}
