import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Prometheus
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTTP/1 with the idle, head and body timeouts and the node's connection cap (below the
/// process's file limit).
func cappedHTTP1(_ configuration: BeckonConfiguration, logger: Logger, registry: PrometheusCollectorRegistry) -> HTTPServerBuilder {
    let (cap, files) = ConnectionGate.effectiveCap(configured: configuration.maxConnections)
    logger.info("connections capped", metadata: ["cap": "\(cap)", "fileLimit": "\(files.map(String.init) ?? "unlimited")"])
    let gate = ConnectionGate(cap: cap, refusals: registry.makeCounter(descriptor: ConnectionGate.refusedMetric))
    let idleTimeout = TimeAmount(configuration.idleTimeout)
    let timeouts = SlowClientGuard.Timeouts(head: TimeAmount(configuration.headTimeout), body: TimeAmount(configuration.bodyTimeout))
    let tally = SlowClientGuard.Tally(logger: logger, registry: registry)
    return HTTPServerBuilder { responder in
        CappedHTTP1Channel(
            base: HTTP1Channel(
                responder: responder, configuration: .init(additionalChannelHandlers: [RequestProgress()], idleTimeout: idleTimeout)),
            gate: gate, timeouts: timeouts, tally: tally)
    }
}

/// Hummingbird's HTTP/1 channel behind a cap on open connections per node (SPEC §13a). A
/// connection past the cap is answered at once — 503 with `Retry-After` and LivePerson's envelope —
/// and closed, instead of waiting in the kernel's backlog or failing `accept` for everyone once
/// the process runs out of file descriptors.
struct CappedHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        var http: HTTP1Channel.Value
        /// Past the cap: answered 503 and closed without reading a request.
        var refused: Bool
        var channel: any Channel { http.channel }
    }

    let base: HTTP1Channel
    let gate: ConnectionGate
    let timeouts: SlowClientGuard.Timeouts
    let tally: SlowClientGuard.Tally

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = gate.enter()
        if admitted {
            channel.closeFuture.whenComplete { _ in gate.leave() }
        } else {
            let refusals = gate.refused()
            if refusals % 1000 == 1 {
                logger.warning(
                    "connection refused: the node's connection cap is reached",
                    metadata: ["cap": "\(gate.cap)", "refusedSoFar": "\(refusals)"])
            }
        }
        do {
            // In front of the HTTP decoder, which `base` adds behind it.
            try channel.pipeline.syncOperations.addHandler(SlowClientGuard(timeouts: timeouts, tally: tally))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger).map { Value(http: $0, refused: !admitted) }
    }

    func handle(value: Value, logger: Logger) async {
        guard value.refused else { return await base.handle(value: value.http, logger: logger) }
        try? await value.http.executeThenClose { inbound, outbound in
            let body = ConnectionGate.refusalBody(at: Date())
            try await outbound.write(
                .head(
                    HTTPResponse(
                        status: .serviceUnavailable,
                        headerFields: [
                            .contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes),
                            .retryAfter: "1", .connection: "close",
                        ])))
            try await outbound.write(.body(body))
            try await outbound.write(.end(nil))
            // Read the request the client sent before closing (closing with unread data resets the
            // connection, and the client could lose the answer), but briefly: a refused connection
            // holds a file descriptor, and idle sockets past the cap must not use them all up.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await part in inbound {
                        if case .end = part { break }
                    }
                }
                group.addTask { try await Task.sleep(for: ConnectionGate.refusalLinger) }
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// Counts a node's open connections against its cap.
final class ConnectionGate: Sendable {
    let cap: Int
    private let open = Atomic<Int>(0)
    private let refusals = Atomic<Int>(0)
    private let refusalMetric: Prometheus.Counter?

    init(cap: Int, refusals metric: Prometheus.Counter? = nil) {
        self.cap = max(1, cap)
        refusalMetric = metric
    }

    static var refusedMetric: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "beckon", subsystem: "http", metricName: "refused_connections", unitName: "total",
            helpText: "Connections answered 503 and closed because the node's connection cap was reached.")
    }

    func enter() -> Bool {
        if open.add(1, ordering: .relaxed).newValue <= cap { return true }
        open.subtract(1, ordering: .relaxed)
        return false
    }

    func leave() { open.subtract(1, ordering: .relaxed) }
    /// Counts a refusal; answers how many there were so far.
    func refused() -> Int {
        refusalMetric?.increment()
        return refusals.add(1, ordering: .relaxed).newValue
    }

    /// How long a refused connection waits for the request it is answering before closing.
    static let refusalLinger = Duration.milliseconds(100)

    /// The envelope answered to a connection past the cap.
    static func refusalBody(at time: Date) -> ByteBuffer {
        LPErrorBody.bytes(
            message: "this server has all its connections open; retry in a second", internalCode: LPInternalCode.unexpected, at: time)
    }

    /// The cap this process can keep: the configured one, but never more than the file limit
    /// allows with a reserve for the database, the journal and other files (a tenth, at least 64).
    static func effectiveCap(configured: Int) -> (cap: Int, fileLimit: Int?) {
        var limit = rlimit()
        #if canImport(Glibc)
        let read = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        #else
        let read = getrlimit(RLIMIT_NOFILE, &limit)
        #endif
        // RLIM_INFINITY is all ones: it fails the second test too.
        guard read == 0, limit.rlim_cur < UInt64(Int32.max) else { return (configured, nil) }
        let files = Int(limit.rlim_cur)
        return (max(1, min(configured, files - max(64, files / 10))), files)
    }
}
