import Synchronization

/// A change of an account's configuration (SPEC §14): what caches of it must forget.
package enum ConfigurationChange: Sendable, Hashable {
    /// A campaign or one of its engagements was created, changed or archived.
    case campaigns(AccountID)
    /// The account's settings changed.
    case settings(AccountID)
    /// A site was created or changed.
    case sites(AccountID)
    /// An API key was created or revoked.
    case apiKeys(AccountID)
    /// Changes may have been missed (a lost connection to the other nodes): forget everything.
    case everything

    /// The account it is about; nil for `.everything`.
    package var accountId: AccountID? {
        switch self {
        case .campaigns(let id), .settings(let id), .sites(let id), .apiKeys(let id): id
        case .everything: nil
        }
    }
}

/// Where configuration changes are announced and heard (SPEC §14). The repositories publish
/// (`Storage.publishing(to:)`): every write of campaigns, engagements, settings, sites and keys
/// that succeeded. Caches subscribe instead of being cleared by the route that made the write.
/// Several nodes on PostgreSQL: the database announces the same writes (triggers, `NOTIFY`) and
/// each node's relay (`PostgresChangeRelay`) publishes what other nodes wrote here, and
/// `.everything` after it lost its connection (what was sent meanwhile is gone).
package typealias ChangeFeed = Broadcast<ConfigurationChange>

/// Messages published to every subscriber of one process.
///
/// Subscribers are called synchronously, in publishing order, before `publish` returns: a node
/// reads its own writes (the answer to a PATCH is followed by page views decided on the new
/// campaigns). `changes()` offers the same as an `AsyncSequence` for consumers that do slower
/// work.
package final class Broadcast<Message: Sendable>: Sendable {
    package typealias Handler = @Sendable (Message) -> Void

    private struct State {
        var next = 0
        var handlers: [Int: Handler] = [:]
    }
    private let state = Mutex(State())

    package init() {}

    /// Tells every subscriber, in the order they subscribed.
    package func publish(_ message: Message) {
        let handlers = state.withLock { state in state.handlers.sorted { $0.key < $1.key }.map(\.value) }
        for handler in handlers { handler(message) }
    }

    /// Calls `handler` with every message published from now on, until the subscription is
    /// cancelled or released.
    package func subscribe(_ handler: @escaping Handler) -> Subscription {
        let id = state.withLock { state in
            state.next += 1
            state.handlers[state.next] = handler
            return state.next
        }
        return Subscription { [weak self] in _ = self?.state.withLock { $0.handlers.removeValue(forKey: id) } }
    }

    /// The messages published from now on, as an asynchronous sequence (buffered; it ends when
    /// the iterating task is cancelled).
    package func changes() -> AsyncStream<Message> {
        let (stream, continuation) = AsyncStream.makeStream(of: Message.self)
        let subscription = subscribe { continuation.yield($0) }
        continuation.onTermination = { _ in subscription.cancel() }
        return stream
    }
}

/// A subscription to a `Broadcast`; cancelled when released.
package final class Subscription: Sendable {
    private let end: Mutex<(@Sendable () -> Void)?>

    init(_ end: @escaping @Sendable () -> Void) { self.end = Mutex(end) }

    package func cancel() {
        let end = self.end.withLock { end -> (@Sendable () -> Void)? in
            defer { end = nil }
            return end
        }
        end?()
    }

    deinit { cancel() }
}
