import Foundation
import Synchronization

/// Live call-status updates for open pages (SPEC §6: each accepted status reaches the visitor's
/// open pages within a second). Subscribers are per visit; a status is published once it is
/// durable. In memory: with several nodes the load balancer routes by visitor id, so the
/// visitor's streams and the brand's reports meet on the same node.
public final class CallStatusHub: Sendable {
    public struct Key: Hashable, Sendable {
        public var accountId: AccountID
        public var visitorId: VisitToken
        public var sessionId: VisitToken
    }

    /// One status as pushed: `{contextId, status, …the report's other fields}`.
    public struct Update: Sendable, Equatable {
        public var contextId: String
        public var fields: [String: JSONValue]
    }

    private let subscribers = Mutex<[Key: [UInt64: AsyncStream<Update>.Continuation]]>([:])
    private let nextId = Atomic<UInt64>(0)

    public init() {}

    /// A stream of the visit's updates until the caller stops reading.
    public func subscribe(_ key: Key) -> AsyncStream<Update> {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Update>.makeStream(bufferingPolicy: .bufferingNewest(32))
        subscribers.withLock { $0[key, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { subscribers in
                subscribers[key]?[id] = nil
                if subscribers[key]?.isEmpty == true { subscribers[key] = nil }
            }
        }
        return stream
    }

    public func publish(_ update: Update, to key: Key) {
        let continuations = subscribers.withLock { Array(($0[key] ?? [:]).values) }
        for continuation in continuations { continuation.yield(update) }
    }

    public var subscriberCount: Int { subscribers.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}

extension LiveVisit {
    /// The current status of context `position` (1-based) with its latest report's fields.
    func callStatusUpdate(contextId: String) -> CallStatusHub.Update? {
        guard let context = context(contextId), let status = context.callStatus else { return nil }
        let report = attributes.last { reported in
            reported.attribute.type == "convStatus" && reported.attribute.fields["contextId"]?.string == contextId
                && reported.attribute.fields["status"]?.string == status.rawValue
        }
        var fields = report?.attribute.fields ?? [:]
        fields["type"] = nil
        fields["contextId"] = .string(contextId)
        fields["status"] = .string(status.rawValue)
        return CallStatusHub.Update(contextId: contextId, fields: fields)
    }
}
