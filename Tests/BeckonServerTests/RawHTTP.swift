import Foundation
import NIOCore
import NIOPosix

/// HTTP written by hand over TCP, for framing no HTTP client would send (bad chunks, oversized
/// chunked bodies).
enum RawHTTP {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// Sends `text` to 127.0.0.1:`port` and reads the first response (head and `Content-Length`
    /// body), or fails when none is complete before the server closes the connection.
    static func exchange(port: Int, _ text: String) async throws -> Reply {
        let channel = try await connect(port: port)
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            var received = ""
            for try await buffer in inbound {
                received += String(buffer: buffer)
                if let reply = parse(received) { return reply }
            }
            throw ReplyError(received: received)
        }
    }

    /// An open connection that sends nothing (an idle client), until closed.
    static func idle(port: Int) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
    }

    /// A connection the server has admitted and served one request on, then kept open (keep-alive).
    static func servedAndKept(port: Int) async throws -> any Channel {
        let replied = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(FirstReply(replied)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
        try await replied.futureResult.get()
        return channel
    }

    private final class FirstReply: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let replied: EventLoopPromise<Void>
        init(_ replied: EventLoopPromise<Void>) { self.replied = replied }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { replied.succeed() }
        func channelInactive(context: ChannelHandlerContext) {
            replied.fail(ReplyError(received: "closed before answering"))
            context.fireChannelInactive()
        }
    }

    static func connect(port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
    }

    struct ReplyError: Error { var received: String }
    struct StillOpen: Error {}

    /// Sends `text` and reads until the server closes the connection; answers what it sent.
    /// Fails with `StillOpen` when the connection is still open after `limit` (a bound for a
    /// broken server, not the time under test).
    static func untilClosed(port: Int, _ text: String, limit: Duration = .seconds(20)) async throws -> String {
        let channel = try await connect(port: port)
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    // The server may answer and close before the request is written (a refusal).
                    try? await outbound.write(ByteBuffer(string: text))
                    var received = ""
                    for try await buffer in inbound { received += String(buffer: buffer) }
                    return received
                }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let received = try await group.next() ?? nil else {
                channel.channel.close(promise: nil)
                throw StillOpen()
            }
            return received
        }
    }

    static func parse(_ text: String) -> Reply? {
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        guard let status = lines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = String(text[end.upperBound...])
        guard body.utf8.count >= Int(headers["content-length"] ?? "0") ?? 0 else { return nil }
        return Reply(status: status, headers: headers, body: body)
    }
}
