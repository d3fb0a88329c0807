import BeckonAPI
import BeckonCore
import Foundation
import Hummingbird
import Logging

/// The dial authorization a brand asks for before it dials (SPEC §13, LivePerson-style path,
/// scope `engagement:validate`). A phone number is never answered back, logged or stored: only
/// its keyed hash and country. (The account's blocks are generated operations, `APIHandler+Abuse`.)
struct DialAuthorizationRoutes {
    let authorizeDial: AuthorizeDial

    struct DialAnswer: Encodable {
        var allowed: Bool
        var authorizationId: String?
        var country: String?
        var reason: String?
        var retryAfterSeconds: Int?
    }

    /// The LivePerson-style brand path: `POST /api/account/{aid}/clicktocall/dial-authorizations`.
    func register(on group: RouterGroup<AppRequestContext>) {
        group.post("clicktocall/dial-authorizations") { request, context in
            let principal = try context.require(.engagementValidate)
            let body = try await StrictJSON.decode(Components.Schemas.DialRequest.self, from: request, context: context)
            for (field, value, limit) in [
                ("visitorId", body.visitorId, 64), ("sessionId", body.sessionId, 64), ("contextId", body.contextId, 16),
            ] where value.isEmpty || value.utf8.count > limit {
                throw BeckonError.invalidInput(field: field, reason: "must be 1 to \(limit) characters")
            }
            let number = try PhoneNumber(input: body.phoneNumber)
            let answer = try await ValidationRoutes.unprocessableAccount {
                try await authorizeDial(
                    AuthorizeDial.Request(
                        accountId: principal.accountId, visitorId: body.visitorId, sessionId: body.sessionId,
                        contextId: body.contextId, phoneNumber: number))
            }
            var headers: HTTPFields = [:]
            if let wait = answer.retryAfterSeconds { headers[.retryAfter] = String(wait) }
            return MonitoringRoutes.json(
                DialAnswer(
                    allowed: answer.allowed, authorizationId: answer.authorizationId, country: answer.country,
                    reason: answer.refusal?.rawValue, retryAfterSeconds: answer.retryAfterSeconds),
                status: answer.allowed ? .ok : .forbidden, headers: headers)
        }
    }
}
