import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Prometheus
import Synchronization

/// Deadlines for a client's request (SPEC §13a): the head must be complete within the head
/// timeout — counted from the connection's opening, or from the first byte of a later keep-alive
/// request — and the body within the body timeout after its head. A late client is answered 408
/// with LivePerson's envelope when it had started a request, and the connection is closed.
///
/// Two handlers share the work: this one sits in front of the HTTP decoder (it sees raw bytes,
/// keeps the timers and can answer without the HTTP encoder); `RequestProgress`, behind the
/// decoder, tells it where the request is.
final class SlowClientGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Timeouts: Sendable {
        var head: TimeAmount
        var body: TimeAmount
    }

    private enum Phase {
        /// Waiting for a head; `started` once a byte of it came.
        case head(started: Bool)
        /// Head received, body not complete.
        case body
        /// Request complete; the application answers. No deadline (status streams are long).
        case answering
        /// Between keep-alive requests: the idle timeout applies, not this guard.
        case idle
    }

    private let timeouts: Timeouts
    private let tally: Tally
    private var phase = Phase.head(started: false)
    private var timer: Scheduled<Void>?
    private var answerStarted = false
    private var bytesAfterRequest = false
    private var context: ChannelHandlerContext?

    init(timeouts: Timeouts, tally: Tally) {
        self.timeouts = timeouts
        self.tally = tally
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        arm(timeouts.head, context: context, late: "head")
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch phase {
        case .head(started: false): phase = .head(started: true)
        case .idle:
            phase = .head(started: true)
            arm(timeouts.head, context: context, late: "head")
        case .answering: bytesAfterRequest = true
        case .head(started: true), .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        answerStarted = true
        context.write(data, promise: promise)
    }

    // MARK: Told by `RequestProgress`

    func headReceived() {
        guard let context else { return }
        phase = .body
        answerStarted = false
        bytesAfterRequest = false
        arm(timeouts.body, context: context, late: "body")
    }

    func requestEnded() {
        timer?.cancel()
        timer = nil
        phase = .answering
    }

    func answerEnded() {
        guard case .answering = phase, let context else { return }
        // A pipelined next request may have begun already: its head is under the deadline now.
        if bytesAfterRequest {
            phase = .head(started: true)
            arm(timeouts.head, context: context, late: "head")
        } else {
            phase = .idle
        }
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext, late part: String) {
        timer?.cancel()
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { loopBound.value.expired(part) }
    }

    private func expired(_ part: String) {
        timer = nil
        guard let context else { return }
        let started: Bool
        switch phase {
        case .head(let begun): started = begun
        case .body: started = true
        case .answering, .idle: return
        }
        tally.count(part)
        guard started, !answerStarted else {
            context.close(promise: nil)
            return
        }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(Self.lateAnswer(part, at: Date())))
            .whenComplete { _ in channel.close(promise: nil) }
    }

    /// `408 Request Timeout` with the envelope, written below the HTTP encoder.
    static func lateAnswer(_ part: String, at time: Date) -> ByteBuffer {
        let body = LPErrorBody.bytes(message: "request \(part) not received in time", internalCode: LPInternalCode.badRequest, at: time)
        var answer = ByteBuffer(
            string: "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: \(body.readableBytes)\r\nConnection: close\r\n\r\n")
        answer.writeImmutableBuffer(body)
        return answer
    }

    /// Counts the node's late clients and logs the first and every 1,000th (no addresses).
    final class Tally: Sendable {
        private let late = Atomic<Int>(0)
        private let lateHeads: Prometheus.Counter
        private let lateBodies: Prometheus.Counter
        let logger: Logger

        init(logger: Logger, registry: PrometheusCollectorRegistry) {
            self.logger = logger
            let metric = MetricNameDescriptor(
                namespace: "beckon", subsystem: "http", metricName: "late_requests", unitName: "total",
                helpText: "Connections closed because a request head or body did not arrive in time, by part.")
            lateHeads = registry.makeCounter(descriptor: metric, labels: [("part", "head")])
            lateBodies = registry.makeCounter(descriptor: metric, labels: [("part", "body")])
        }

        func count(_ part: String) {
            (part == "head" ? lateHeads : lateBodies).increment()
            let sum = late.add(1, ordering: .relaxed).newValue
            if sum % 1000 == 1 {
                logger.notice("connection closed: request \(part) not received in time", metadata: ["lateSoFar": "\(sum)"])
            }
        }
    }
}

/// Behind the HTTP decoder: tells `SlowClientGuard` when a request's head and end arrived and when
/// its answer ended, and turns Hummingbird's empty 400 for an unparseable request into one with the
/// envelope.
final class RequestProgress: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private weak var guardHandler: SlowClientGuard?
    /// Between requests: a parse error now is in a head (one in a body is answered by the route).
    private var awaitingHead = true
    private var unparseable = false

    func handlerAdded(context: ChannelHandlerContext) {
        guardHandler = try? context.pipeline.syncOperations.handler(type: SlowClientGuard.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            awaitingHead = false
            guardHandler?.headReceived()
        case .end:
            awaitingHead = true
            guardHandler?.requestEnded()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError, awaitingHead {
            unparseable = true
            guardHandler?.requestEnded()
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if unparseable {
            // Hummingbird answers a parse error with an empty 400 and closes: give it the body.
            switch part {
            case .head(var head) where head.status == .badRequest && head.headerFields[.contentLength] == "0":
                let body = LPErrorBody.bytes(message: ErrorAnswer.malformedFraming, internalCode: LPInternalCode.badRequest, at: Date())
                head.headerFields[.contentType] = "application/json; charset=utf-8"
                head.headerFields[.contentLength] = String(body.readableBytes)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                context.write(wrapOutboundOut(.body(body)), promise: promise)
                return
            default: break
            }
        }
        context.write(data, promise: promise)
        if case .end = part { guardHandler?.answerEnded() }
    }
}
