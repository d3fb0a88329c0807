import BeckonCore
@testable import BeckonServer
import Foundation
import HummingbirdTesting
import Testing

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

    @Test func anIdleConnectionAndAHalfSentHeadAreClosedAfterTheIdleTimeout() async throws {
        try await TestApp.with(live: true, idleTimeout: .milliseconds(300)) { _, client in
            let port = try #require(client.port)
            // Keep-alive: the answer comes, then the idle connection is closed by the server.
            let afterRequest = try await RawHTTP.untilClosed(port: port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(afterRequest.hasPrefix("HTTP/1.1 200"))
            // A head that never ends is closed too, with nothing answered.
            let halfHead = try await RawHTTP.untilClosed(port: port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            #expect(halfHead.isEmpty)
        }
    }

    @Test func pastTheConnectionCapANewConnectionIsRefusedAtOnce() async throws {
        try await TestApp.with(live: true, maxConnections: 2) { _, client in
            let port = try #require(client.port)
            let idle = [try await RawHTTP.idle(port: port), try await RawHTTP.idle(port: port)]
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

    @Test func theCapStaysBelowTheProcessFileLimit() {
        let (cap, files) = ConnectionGate.effectiveCap(configured: 1_000_000)
        if let files { #expect(cap <= files - 64 && cap >= 1) } else { #expect(cap == 1_000_000) }
        #expect(ConnectionGate.effectiveCap(configured: 10).cap == 10)
    }
}
