import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Turns Beckon's error answers into `BeckonClientError` before the generated client decodes
/// them, so one rule holds for every operation: 2xx is an answer; 4xx is `.refused` with the
/// error's `message`; 5xx is `.unavailable` (which `RetryMiddleware` tries again). A "not valid"
/// validation (404 with `valid`) and a refused dial (403 with `allowed`) are answers, not errors.
struct AnswerMiddleware: ClientMiddleware {
    /// The error statuses that are answers of an operation, with the field that marks them.
    static let answers: [String: (status: Int, field: String)] = [
        "validateEngagement": (404, "valid"), "verifyClickToken": (404, "valid"), "authorizeDial": (403, "allowed"),
    ]
    /// Error bodies are short; more than this is not Beckon's.
    static let errorBodyLimit = 64 * 1024

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        let status = response.status.code
        if (200..<300).contains(status) { return (response, responseBody) }
        let data: Data
        do {
            if let responseBody { data = try await Data(collecting: responseBody, upTo: Self.errorBodyLimit) } else { data = Data() }
        } catch {
            throw BeckonClientError.malformed("an error answer (\(status)) larger than \(Self.errorBodyLimit) bytes")
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        if let answer = Self.answers[operationID], answer.status == status, object?[answer.field] != nil {
            return (response, HTTPBody(data))
        }
        let message = (object?["message"] as? String) ?? String(decoding: data.prefix(200), as: UTF8.self)
        if (400..<500).contains(status) { throw BeckonClientError.refused(status: status, message: message) }
        throw BeckonClientError.unavailable(status: status, message: message)
    }
}
