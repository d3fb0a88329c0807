import BeckonCore
import BeckonTesting
import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@testable import BeckonServer

/// Refusals of the HTTP layer carry LivePerson's envelope too (SPEC §13a).
@Suite struct HTTPFramingTests {
    static func request(_ key: IssuedAPIKey, _ body: String) -> String {
        "POST /api/v1/accounts/acme/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key.bearer)\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    }

    @Test func aChunkedBodyOverTheLimitIs413WithTheEnvelope() async throws {
        try await TestApp.with(maxBodyBytes: 4096, live: true) { app, client in
            let port = try #require(client.port)
            let chunk = String(repeating: "x", count: 3000)
            let chunks = String(repeating: "\(String(3000, radix: 16))\r\n\(chunk)\r\n", count: 3) + "0\r\n\r\n"
            let reply = try await RawHTTP.exchange(port: port, Self.request(app.acmeAdmin, chunks))
            #expect(reply.status == 413)
            #expect(reply.headers["connection"] == "close")
            let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(reply.body.utf8))
            #expect(envelope.message == "request body too large" && envelope.internalCode == 5)
        }
    }

    @Test func aMalformedChunkIs400WithTheEnvelope() async throws {
        try await TestApp.with(live: true) { app, client in
            let port = try #require(client.port)
            let reply = try await RawHTTP.exchange(port: port, Self.request(app.acmeAdmin, "zz\r\n{}\r\n0\r\n\r\n"))
            #expect(reply.status == 400)
            let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(reply.body.utf8))
            #expect(envelope.message.hasPrefix("malformed request") && envelope.internalCode == 5)
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() async throws {
        // Long enough that a loaded machine reads the request before the connection counts as
        // idle (300 ms once closed it unanswered during a busy full run), short enough to wait for.
        try await TestApp.with(live: true, idleTimeout: .seconds(2)) { _, client in
            let port = try #require(client.port)
            // Keep-alive: the answer comes, then the idle connection is closed by the server.
            let afterRequest = try await RawHTTP.untilClosed(port: port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(afterRequest.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func aConnectionThatSendsNoHeadInTimeIsClosed() async throws {
        try await TestApp.with(live: true, headTimeout: .milliseconds(300)) { _, client in
            let port = try #require(client.port)
            // Nothing sent at all (an idle socket): closed, nothing answered.
            #expect(try await RawHTTP.untilClosed(port: port, "").isEmpty)
            // A head that never ends: 408 with the envelope, then closed.
            let halfHead = try await RawHTTP.untilClosed(port: port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            let reply = try #require(RawHTTP.parse(halfHead), "\(halfHead)")
            #expect(reply.status == 408 && reply.headers["connection"] == "close")
            let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(reply.body.utf8))
            #expect(envelope.message == "request head not received in time" && envelope.internalCode == 5)
        }
    }

    @Test func aBodySentTooSlowlyIsAnswered408AndClosed() async throws {
        try await TestApp.with(live: true, bodyTimeout: .milliseconds(300)) { app, client in
            let port = try #require(client.port)
            let head =
                "POST /api/v1/accounts/acme/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(app.acmeAdmin.bearer)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"name\":"
            let answer = try await RawHTTP.untilClosed(port: port, head)
            let reply = try #require(RawHTTP.parse(answer), "\(answer)")
            #expect(reply.status == 408)
            let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(reply.body.utf8))
            #expect(envelope.message == "request body not received in time")
        }
    }

    @Test func theHeadTimeoutDoesNotCutAKeepAliveConnectionBetweenRequests() async throws {
        try await TestApp.with(live: true, headTimeout: .milliseconds(200)) { _, client in
            let port = try #require(client.port)
            let channel = try await RawHTTP.connect(port: port)
            try await channel.executeThenClose { inbound, outbound in
                var replies = inbound.makeAsyncIterator()
                for round in 0..<2 {
                    if round > 0 { try await Task.sleep(for: .milliseconds(500)) }  // past the head timeout, idle
                    try await outbound.write(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
                    let buffer = try #require(try await replies.next(), "closed before round \(round)")
                    #expect(String(buffer: buffer).hasPrefix("HTTP/1.1 200"))
                }
            }
        }
    }

    @Test func anUnparseableRequestIs400WithTheEnvelope() async throws {
        try await TestApp.with(live: true) { _, client in
            let port = try #require(client.port)
            let answer = try await RawHTTP.untilClosed(port: port, "NOT HTTP AT ALL\r\n\r\n")
            let reply = try #require(RawHTTP.parse(answer), "\(answer)")
            #expect(reply.status == 400 && reply.headers["connection"] == "close")
            let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(reply.body.utf8))
            #expect(envelope.message == "malformed request: bad HTTP framing" && envelope.internalCode == 5)
        }
    }

    @Test func pastTheConnectionCapANewConnectionIsRefusedAtOnce() async throws {
        try await TestApp.with(live: true, maxConnections: 2) { _, client in
            let port = try #require(client.port)
            // Two clients the server has surely admitted (served once, kept alive) fill the cap.
            let idle = [try await RawHTTP.servedAndKept(port: port), try await RawHTTP.servedAndKept(port: port)]
            let refused = try await RawHTTP.untilClosed(port: port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", limit: .seconds(3))
            #expect(refused.hasPrefix("HTTP/1.1 503") && refused.lowercased().contains("retry-after: 1"), "\(refused)")
            let body = try #require(refused.range(of: "\r\n\r\n").map { refused[$0.upperBound...] })
            let envelope = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(body.utf8))
            #expect(envelope.internalCode == 18 && envelope.message.contains("connections"))
            // The idle clients leave: a new connection is served (once the server saw them go).
            for channel in idle { try? await channel.close() }
            var served = false
            for _ in 0..<200 where !served {
                let answer = try await RawHTTP.untilClosed(port: port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                served = answer.hasPrefix("HTTP/1.1 200")
            }
            #expect(served)
        }
    }

    @Test func idleSocketsFillingTheCapKeepOthersOutOnlyUntilTheHeadTimeout() async throws {
        try await TestApp.with(live: true, maxConnections: 2, headTimeout: .milliseconds(300)) { _, client in
            let port = try #require(client.port)
            // Two sockets that never send a byte hold the whole cap...
            let idle = [try await RawHTTP.idle(port: port), try await RawHTTP.idle(port: port)]
            // ...until the head timeout closes them; then a client is served, without any of the
            // idle ones having left by itself.
            let served = await eventually(within: .seconds(20)) {
                let answer = try? await RawHTTP.untilClosed(
                    port: port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", limit: .seconds(5))
                return answer?.hasPrefix("HTTP/1.1 200") == true
            }
            #expect(served)
            for channel in idle {
                // Closed by the server: the channel's close future completes without us closing it.
                try await channel.closeFuture.get()
            }
        }
    }

    @Test func theCapStaysBelowTheProcessFileLimit() {
        let (cap, files) = ConnectionGate.effectiveCap(configured: 1_000_000)
        if let files { #expect(cap <= files - 64 && cap >= 1) } else { #expect(cap == 1_000_000) }
        #expect(ConnectionGate.effectiveCap(configured: 10).cap == 10)
    }
}
