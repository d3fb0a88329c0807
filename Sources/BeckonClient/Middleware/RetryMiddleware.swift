import Foundation
import HTTPTypes
import OpenAPIRuntime

/// LivePerson's retry rules around each request: a refusal (4xx) is final; an unavailable server
/// (5xx) or no answer is tried again `policy.retries` times with exponential backoff. Each attempt
/// has `timeout` to answer. Outermost in the chain, so every attempt is signed afresh (an OAuth
/// nonce is single-use).
struct RetryMiddleware: ClientMiddleware {
    var policy: BeckonClient.RetryPolicy
    var timeout: TimeInterval

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var attempt = 0
        while true {
            let failure: BeckonClientError
            do {
                // The task group waits for its tasks, so `next` does not outlive this call.
                return try await withoutActuallyEscaping(next) { next in
                    try await withDeadline(timeout) { try await next(request, body, baseURL) }
                }
            } catch {
                // The generated client wraps what the inner middlewares and the transport throw.
                let cause = (error as? ClientError)?.underlyingError ?? error
                switch cause {
                case let known as BeckonClientError:
                    switch known {
                    case .unavailable, .unreachable: failure = known
                    case .refused, .malformed: throw known
                    }
                case is CancellationError where Task.isCancelled: throw cause
                default: failure = .unreachable(String(describing: cause))
                }
            }
            guard attempt < policy.retries else { throw failure }
            try await Task.sleep(for: .seconds(policy.initialDelay * pow(2, Double(attempt))))
            attempt += 1
        }
    }

    /// The operation's answer, or `.unreachable` when none came within `seconds`.
    private func withDeadline<T: Sendable>(
        _ seconds: TimeInterval, _ operation: @escaping @Sendable () async throws -> T
    )
        async throws -> T
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let answer = first else {
                throw BeckonClientError.unreachable("no answer within \(seconds) s")
            }
            return answer
        }
    }
}
