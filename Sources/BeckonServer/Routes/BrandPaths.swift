import BeckonCore
import Hummingbird

/// What the brand's hand-written LivePerson-style routes share (Engagement Attributes, Visit
/// Information) with the generated brand operations.
enum BrandPaths {
    /// The `sid` query parameter: the session id the brand page received, never empty.
    static func sid(_ value: String?) throws -> String {
        guard let value, !value.isEmpty else {
            throw BeckonError.invalidInput(field: "sid", reason: "the session id the brand page received is required")
        }
        return value
    }

    /// LivePerson answers 422 for an unknown account here.
    static func unprocessableAccount<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch BeckonError.unknownAccount(let id) {
            throw HTTPError(.unprocessableContent, message: "invalid account '\(id)'")
        }
    }

    /// The brand APIs take `v=1`; anything else is LivePerson's illegal version (33).
    static func checkVersion(_ request: Request) throws {
        if let version = request.uri.queryParameters.get("v"), version != "1", version != "1.0" {
            throw LPVersionError(version: String(version))
        }
    }
}
