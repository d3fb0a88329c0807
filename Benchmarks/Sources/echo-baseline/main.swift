import Foundation
import Hummingbird

// echo-baseline: the baseline of SPEC §16 — a minimal Hummingbird server that decodes a small
// JSON body and answers a small JSON body. Every HTTP figure in Benchmarks/README.md is a ratio
// against this server measured in the same run.
//
//   echo-baseline PORT
//
// POST /hook is a webhook receiver that accepts anything (scripts/bench-webhooks).

struct Ping: Codable {
    var visitorId: String?
    var url: String
    var n: Int?
}

struct Pong: ResponseEncodable {
    var ok: Bool
    var url: String
    var n: Int
}

let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8090
let router = Router()
router.post("echo") { request, context -> Pong in
    let ping = try await request.decode(as: Ping.self, context: context)
    return Pong(ok: true, url: ping.url, n: (ping.n ?? 0) + 1)
}
// A webhook receiver for scripts/bench-webhooks: reads the body, answers 204.
router.post("hook") { request, _ -> HTTPResponse.Status in
    _ = try await request.body.collect(upTo: 1 << 20)
    return .noContent
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
