import BeckonCore
import Hummingbird
import Logging

/// Turns every thrown error — domain, framework (unknown route, body too large, malformed
/// JSON) or driver — into LivePerson's error envelope. Server faults are logged with the
/// request's route, never with request data.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let clock: any WallClock

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let answer = ErrorAnswer(error, request: request)
            if answer.isServerFault {
                context.logger.error(
                    "request failed",
                    metadata: ["route": "\(context.endpointPath ?? "unmatched")", "error": "\(String(reflecting: error))"])
            } else {
                context.logger.debug("request refused", metadata: ["status": "\(answer.status.code)"])
            }
            return answer.response(at: clock.now())
        }
    }
}
