import Foundation
import Synchronization

/// Live call-status updates for open pages (SPEC §6: each accepted status reaches the visitor's
/// open pages within a second). Subscribers are per visit; a status is published once it is
/// durable. In memory: with several nodes the load balancer routes by visitor id, so the
/// visitor's streams and the brand's reports meet on the same node.
package final class CallStatusHub: Sendable {
    package struct Key: Hashable, Sendable {
        package var accountId: AccountID
        package var visitorId: VisitToken
        package var sessionId: VisitToken

        package init(accountId: AccountID, visitorId: VisitToken, sessionId: VisitToken) {
            self.accountId = accountId
            self.visitorId = visitorId
            self.sessionId = sessionId
        }
    }

    /// One status as pushed: `{contextId, status, …the report's other fields}`.
    package struct Update: Sendable, Equatable {
        package var contextId: String
        package var fields: [String: JSONValue]

        package init(contextId: String, fields: [String: JSONValue]) {
            self.contextId = contextId
            self.fields = fields
        }
    }

    /// How many streams may be open (SPEC §13a).
    package struct Limits: Sendable, Equatable {
        /// Per click token (the visitor's page, the brand page and one spare).
        package var perClick: Int
        /// On this node, over all visits.
        package var perNode: Int

        package init(perClick: Int = 3, perNode: Int = 10_000) {
            self.perClick = perClick
            self.perNode = perNode
        }
    }

    /// Why a stream was not opened.
    package enum Refusal: Error, Equatable, Sendable {
        case tooManyForClick(limit: Int)
        case tooManyOnNode(limit: Int)
    }

    private struct Click: Hashable {
        var key: Key
        var contextId: String
    }

    private struct State {
        var subscribers: [Key: [UInt64: AsyncStream<Update>.Continuation]] = [:]
        var perClick: [Click: Int] = [:]
        var total = 0
    }

    package let limits: Limits
    private let state = Mutex(State())
    private let nextId = Atomic<UInt64>(0)

    package init(limits: Limits = .init()) {
        self.limits = limits
    }

    /// A stream of the visit's updates for the page that holds the click token of `contextId`,
    /// until the caller stops reading; refused past the limits. Everything it holds is released
    /// when it ends.
    package func subscribe(_ key: Key, click contextId: String) throws(Refusal) -> AsyncStream<Update> {
        let click = Click(key: key, contextId: contextId)
        let limits = self.limits
        let refusal = state.withLock { state -> Refusal? in
            if state.total >= limits.perNode { return .tooManyOnNode(limit: limits.perNode) }
            if state.perClick[click, default: 0] >= limits.perClick { return .tooManyForClick(limit: limits.perClick) }
            state.total += 1
            state.perClick[click, default: 0] += 1
            return nil
        }
        if let refusal { throw refusal }
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<Update>.makeStream(bufferingPolicy: .bufferingNewest(32))
        state.withLock { $0.subscribers[key, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                state.subscribers[key]?[id] = nil
                if state.subscribers[key]?.isEmpty == true { state.subscribers[key] = nil }
                state.total -= 1
                state.perClick[click, default: 1] -= 1
                if state.perClick[click] == 0 { state.perClick[click] = nil }
                // Dictionaries keep their peak capacity: once every stream is closed, let it go.
                if state.total == 0 { (state.subscribers, state.perClick) = ([:], [:]) }
            }
        }
        return stream
    }

    package func publish(_ update: Update, to key: Key) {
        let continuations = state.withLock { Array(($0.subscribers[key] ?? [:]).values) }
        for continuation in continuations { continuation.yield(update) }
    }

    package var subscriberCount: Int { state.withLock { $0.subscribers.values.reduce(0) { $0 + $1.count } } }

    /// Open streams and the clicks they are counted under (both zero when none is open).
    package var openStreams: (streams: Int, clicks: Int) { state.withLock { ($0.total, $0.perClick.count) } }
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
