import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A brand's webhook receiver for tests: a real HTTP server on 127.0.0.1 that keeps every
/// request it gets and answers what the test scripted (200 when nothing is left).
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var headers: [String: String]
        var body: [UInt8]
        var type: String? {
            guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else { return nil }
            return fields["type"]?.string
        }
        var data: [String: JSONValue] {
            guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)),
                case .object(let data)? = fields["data"]
            else { return [:] }
            return data
        }
    }

    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var retryAfter: String? = nil
    }

    private let state = Mutex<(received: [Delivery], script: [Answer])>(([], []))

    var received: [Delivery] { state.withLock { $0.received } }

    /// The next answers, in order.
    func script(_ answers: Answer...) { state.withLock { $0.script += answers } }

    /// Runs the receiver while `body` runs; `body` gets its URL.
    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = self.state.withLock { state -> Answer in
                state.received.append(Delivery(headers: headers, body: Array(buffer: bytes)))
                return state.script.isEmpty ? Answer(status: .ok) : state.script.removeFirst()
            }
            var fields: HTTPFields = [:]
            if let retryAfter = answer.retryAfter { fields[HTTPField.Name("Retry-After")!] = retryAfter }
            return Response(status: answer.status, headers: fields)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port ?? 0)/hook")
        }
    }
}
