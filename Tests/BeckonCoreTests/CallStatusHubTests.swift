import BeckonCore
import Foundation
import Testing

/// Open call-status streams are bounded per click and per node, and everything a stream holds is
/// released when its reader stops (SPEC §13a).
@Suite struct CallStatusHubTests {
    static func key(_ visitor: VisitToken) -> CallStatusHub.Key {
        CallStatusHub.Key(accountId: AccountID(trusted: "acme"), visitorId: visitor, sessionId: session)
    }

    static let visitorA = VisitToken.random()
    static let visitorB = VisitToken.random()
    static let session = VisitToken.random()

    @Test func aClickHasAtMostThreeStreamsAndTheNodeItsCap() throws {
        let hub = CallStatusHub(limits: .init(perClick: 3, perNode: 5))
        let key = Self.key(Self.visitorA)
        var streams = try (0..<3).map { _ in try hub.subscribe(key, click: "1") }
        #expect(throws: CallStatusHub.Refusal.tooManyForClick(limit: 3)) { try hub.subscribe(key, click: "1") }
        // Another click of the same visit has its own three; the node's cap comes first past five.
        streams += try (0..<2).map { _ in try hub.subscribe(key, click: "2") }
        #expect(throws: CallStatusHub.Refusal.tooManyOnNode(limit: 5)) { try hub.subscribe(Self.key(Self.visitorB), click: "1") }
        #expect(hub.openStreams == (streams: 5, clicks: 2))
        streams.removeAll()
        // Dropping a stream releases it: its slot, its subscriber entry, its click's count.
        #expect(hub.openStreams == (streams: 0, clicks: 0) && hub.subscriberCount == 0)
        _ = try hub.subscribe(key, click: "1")
    }

    @Test func aReaderThatStopsReleasesItsStream() async throws {
        let hub = CallStatusHub(limits: .init(perClick: 3, perNode: 10))
        let key = Self.key(Self.visitorA)
        let stream = try hub.subscribe(key, click: "1")
        let (received, delivered) = AsyncStream<Void>.makeStream()
        let reader = Task {
            var iterator = stream.makeAsyncIterator()
            if await iterator.next() != nil { delivered.yield() }
            _ = await iterator.next()  // waits until cancelled
        }
        hub.publish(CallStatusHub.Update(contextId: "1", fields: ["status": .string("RINGING")]), to: key)
        var arrivals = received.makeAsyncIterator()
        _ = await arrivals.next()
        #expect(hub.openStreams.streams == 1)
        reader.cancel()
        await reader.value
        #expect(hub.openStreams == (streams: 0, clicks: 0) && hub.subscriberCount == 0)
    }
}
