import BeckonCore
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

/// `GET /api/account/{aid}/monitoring/visitors/{vid}/visits/current/status-stream?sid=&token=`
/// (SPEC §5, beyond LP): Server-Sent Events of the visit's call status, for the visitor's page
/// after a click and for the brand page. Authorized by the click token both hold, not by an API
/// key, so browsers on any origin may open it (no cookies are involved). Each event is
/// `event: status` with `{contextId, status, …}`; a comment line every 15 s keeps proxies open.
struct CallStatusRoutes {
    let visits: BrandVisits
    let limits: AddressLimits
    var keepAlive: Duration = .seconds(15)

    func register(on router: Router<AppRequestContext>) {
        router.get("api/account/:accountId/monitoring/visitors/:visitorId/visits/current/status-stream") { request, context in
            let accountText = try context.parameters.require("accountId")
            guard let accountId = try? AccountID(accountText) else { throw BeckonError.unknownAccount(accountText) }
            try await limits.request(request, context, endpoint: "statusStream", accountId: accountId)
            let query = request.uri.queryParameters
            guard let sid = query.get("sid"), let token = query.get("token") else {
                throw BeckonError.invalidInput(field: "sid", reason: "sid and token (the click token) are required")
            }
            let (current, updates) = try await visits.callStatusStream(
                accountId: accountId, visitorId: try context.parameters.require("visitorId"), sessionId: String(sid),
                token: String(token))
            let (body, continuation) = AsyncStream<ByteBuffer>.makeStream()
            continuation.yield(ByteBuffer(string: "retry: 2000\n\n"))
            for update in current { continuation.yield(Self.event(update)) }
            let interval = keepAlive
            let forward = Task {
                for await update in updates { continuation.yield(Self.event(update)) }
                continuation.finish()
            }
            let ping = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    continuation.yield(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            continuation.onTermination = { _ in
                forward.cancel()
                ping.cancel()
            }
            var headers: HTTPFields = [
                .contentType: "text/event-stream", .cacheControl: "no-store", .init("X-Accel-Buffering")!: "no",
            ]
            if let origin = request.headers[.origin] { headers[.accessControlAllowOrigin] = origin }
            // Written in the server's own task, so a graceful shutdown ends the stream instead of
            // waiting for it.
            let response = ResponseBody { writer in
                try await withGracefulShutdownHandler {
                    for await chunk in body { try await writer.write(chunk) }
                } onGracefulShutdown: {
                    continuation.finish()
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: headers, body: response)
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func event(_ update: CallStatusHub.Update) -> ByteBuffer {
        let json = (try? encoder.encode(update.fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "event: status\ndata: \(json)\n\n")
    }
}
