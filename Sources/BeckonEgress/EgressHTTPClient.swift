import AsyncHTTPClient
package import BeckonCore
import Foundation
package import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Sends webhooks with async-http-client under the egress rules (`EgressPolicy`). The host name
/// is resolved here, every address it resolves to is checked, and the connection is pinned to
/// the checked address (async-http-client's `dnsOverride`, which keeps the name for TLS's SNI
/// and certificate check): a name that resolves to a public address when checked and to a
/// private one when connecting (DNS rebinding) cannot reach the private one. Redirects are not
/// followed (3xx is a failure), the answer's body is read up to 64 KiB and dropped, and each
/// attempt has `timeout` in all.
package final class EgressHTTPClient: WebhookSender {
    private let policy: EgressPolicy
    private let timeout: Duration
    private let logger: Logger
    /// One client per (host, pinned address), so connections are reused between deliveries.
    private let clients = Mutex<[String: Pinned]>([:])

    private struct Pinned {
        var client: HTTPClient
        var madeAt: ContinuousClock.Instant
    }

    /// How long a host's pinned address is used before the name is resolved again.
    private static let pinLifetime: Duration = .seconds(60)
    private static let maximumClients = 256
    private static let maximumAnswer = 64 * 1024

    package init(policy: EgressPolicy, timeout: Duration = .seconds(15), logger: Logger) {
        self.policy = policy
        self.timeout = timeout
        self.logger = logger
    }

    package func send(url: String, headers: [(name: String, value: String)], body: [UInt8]) async -> WebhookSendOutcome {
        let start = ContinuousClock.now
        func elapsed() -> Int {
            let duration = ContinuousClock.now - start
            return Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            try policy.check(url: url)
            guard let components = URLComponents(string: url), let rawHost = components.host else {
                return WebhookSendOutcome(statusCode: nil, error: "the URL has no host", latencyMillis: elapsed())
            }
            let host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
            let port = components.port ?? (components.scheme?.lowercased() == "http" ? 80 : 443)
            let address = try await withDeadline(timeout) { try await self.checkedAddress(host: host, port: port) }
            let client = self.client(host: host, address: address)
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            for header in headers { request.headers.add(name: header.name, value: header.value) }
            request.body = .bytes(ByteBuffer(bytes: body))
            let deadline = timeout
            let prepared = request
            let (status, retryAfter) = try await withDeadline(deadline) {
                let response = try await client.execute(prepared, timeout: .nanoseconds(deadline.nanoseconds))
                var read = 0
                for try await chunk in response.body {
                    read += chunk.readableBytes
                    if read > Self.maximumAnswer { break }
                }
                return (Int(response.status.code), response.headers.first(name: "retry-after"))
            }
            return WebhookSendOutcome(statusCode: status, retryAfter: retryAfter, latencyMillis: elapsed())
        } catch let error as EgressRefusal {
            return WebhookSendOutcome(statusCode: nil, error: error.description, latencyMillis: elapsed())
        } catch let error as BeckonError {
            return WebhookSendOutcome(statusCode: nil, error: "refused: \(error)", latencyMillis: elapsed())
        } catch is DeadlineExceeded {
            return WebhookSendOutcome(statusCode: nil, error: "timed out after \(timeout)", latencyMillis: elapsed())
        } catch {
            return WebhookSendOutcome(statusCode: nil, error: Self.describe(error), latencyMillis: elapsed())
        }
    }

    /// Shuts every client down (the service calls this when it stops).
    package func shutdown() async {
        let all = clients.withLock { clients in
            defer { clients = [:] }
            return Array(clients.values)
        }
        for pinned in all { try? await pinned.client.shutdown() }
    }

    /// The address to connect to: the host's addresses, every one allowed by the policy.
    private func checkedAddress(host: String, port: Int) async throws -> String {
        if let literal = IPAddress(host) {
            guard policy.allows(literal) else { throw EgressRefusal.privateAddress(host: host, address: literal) }
            return host
        }
        let addresses = try await NIOThreadPool.singleton.runIfActive { try Self.resolve(host: host, port: port) }
        guard let first = addresses.first else { throw EgressRefusal.unresolved(host: host) }
        if let refused = addresses.first(where: { !policy.allows($0) }) {
            throw EgressRefusal.privateAddress(host: host, address: refused)
        }
        return first.description
    }

    private func client(host: String, address: String) -> HTTPClient {
        let key = host + " " + address
        let now = ContinuousClock.now
        var retired: [HTTPClient] = []
        let client = clients.withLock { clients -> HTTPClient in
            for (name, pinned) in clients where now - pinned.madeAt > Self.pinLifetime || clients.count > Self.maximumClients {
                retired.append(pinned.client)
                clients[name] = nil
            }
            if let pinned = clients[key] { return pinned.client }
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(15)))
            configuration.decompression = .disabled
            if IPAddress(host) == nil { configuration.dnsOverride = [host: address] }
            let client = HTTPClient(eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton), configuration: configuration)
            clients[key] = Pinned(client: client, madeAt: now)
            return client
        }
        // In-flight requests on a retired client finish before it shuts down.
        for old in retired { Task { try? await old.shutdown() } }
        return client
    }

    /// `getaddrinfo` (blocking: run on NIO's thread pool).
    private static func resolve(host: String, port: Int) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else { throw EgressRefusal.unresolved(host: host) }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let socketAddress = current.pointee.ai_addr {
                switch current.pointee.ai_family {
                case AF_INET:
                    let bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                    }
                    if let address = IPAddress(bytes: bytes) { addresses.append(address) }
                case AF_INET6:
                    let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                    }
                    if let address = IPAddress(bytes: bytes) { addresses.append(address) }
                default: break
                }
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// A failure in words for the deliveries list (no receiver's content).
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "timed out: could not connect in time"
            case .readTimeout, .deadlineExceeded: return "timed out: no answer in time"
            case .remoteConnectionClosed: return "the receiver closed the connection"
            default: return "HTTP error: \(error)"
            }
        }
        if let error = error as? NIOConnectionError { return "could not connect: \(error.connectionErrors.first.map { "\($0.error)" } ?? "refused")" }
        return "\(error)"
    }
}

/// Why the egress rules refused a destination.
enum EgressRefusal: Error, CustomStringConvertible {
    case privateAddress(host: String, address: IPAddress)
    case unresolved(host: String)

    var description: String {
        switch self {
        case .privateAddress(let host, let address):
            "refused: \(host) resolves to \(address), a private or reserved address (webhooks.allowPrivateTargets is off)"
        case .unresolved(let host): "could not resolve \(host)"
        }
    }
}

struct DeadlineExceeded: Error {}

/// `body`'s answer, or `DeadlineExceeded` after `limit` (`body` is cancelled).
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw DeadlineExceeded() }
        return first
    }
}

extension Duration {
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
