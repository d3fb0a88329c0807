import BeckonAPI
import BeckonCore
import Foundation
import Hummingbird

/// Validate Engagement (LivePerson-compatible, SPEC §5) and the online click-token check. Both
/// need the scope `engagement:validate`. LivePerson answers 200 or 404 without a body; Beckon adds
/// `{valid, reason?, clickedAt, expiresAt, validationsLeft}` (epoch ms), which clients that
/// ignore bodies never see. A valid answer uses up one of the click's validations.
struct ValidationRoutes {
    let validations: ClickValidations
    let limits: AddressLimits

    struct Answer: Encodable {
        var valid: Bool
        var reason: String?
        var clickedAt: Int64?
        var expiresAt: Int64?
        /// null: no limit (`maxValidations: null`).
        var validationsLeft: Int?
        var claims: ClickToken.Claims?

        enum CodingKeys: String, CodingKey { case valid, reason, clickedAt, expiresAt, validationsLeft, claims }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(valid, forKey: .valid)
            try container.encodeIfPresent(reason, forKey: .reason)
            try container.encodeIfPresent(clickedAt, forKey: .clickedAt)
            try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
            try container.encode(validationsLeft, forKey: .validationsLeft)
            try container.encodeIfPresent(claims, forKey: .claims)
        }

        init(_ validation: ClickValidations.Validation, claims: ClickToken.Claims? = nil) {
            valid = validation.valid
            reason = validation.reason
            clickedAt = validation.clickedAt?.millisecondsSince1970
            expiresAt = validation.expiresAt?.millisecondsSince1970
            validationsLeft = validation.validationsLeft
            self.claims = validation.valid ? claims : nil
        }
    }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get(
            "monitoring/visitors/:visitorId/visits/current/campaigns/:campaignId/engagements/:engagementId/contexts/:contextId"
        ) { request, context in
            let principal = try context.require(.engagementValidate)
            try Self.checkVersion(request)
            guard let sid = request.uri.queryParameters.get("sid"), !sid.isEmpty else {
                throw BeckonError.invalidInput(field: "sid", reason: "the session id the brand page received is required")
            }
            let click = ClickValidations.ClickContext(
                accountId: principal.accountId, visitorId: try context.parameters.require("visitorId"), sessionId: String(sid),
                campaignId: try Self.id("campaignId", context),
                engagementId: try Self.id("engagementId", context),
                contextId: try context.parameters.require("contextId"))
            let validation = try await Self.unprocessableAccount { try await validations.validate(click, method: .validateEngagement) }
            return MonitoringRoutes.json(Answer(validation), status: validation.valid ? .ok : .notFound, headers: [:])
        }
        group.post("clicktocall/tokens/verify") { request, context in
            let principal = try context.require(.engagementValidate)
            try await limits.request(request, context, endpoint: "tokenVerify", accountId: principal.accountId)
            let body = try await StrictJSON.decode(Components.Schemas.TokenVerifyRequest.self, from: request, context: context)
            let (token, validation) = try await Self.unprocessableAccount {
                try await validations.verify(token: body.token, accountId: principal.accountId)
            }
            return MonitoringRoutes.json(
                Answer(validation, claims: token?.claims), status: validation.valid ? .ok : .notFound, headers: [:])
        }
    }

    /// LivePerson answers 422 for an unknown account here.
    static func unprocessableAccount<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch BeckonError.unknownAccount(let id) {
            throw HTTPError(.unprocessableContent, message: "invalid account '\(id)'")
        }
    }

    /// A path id: anything but a positive integer is a 400 naming it, as in the management API
    /// (the document declares these ids `integer, minimum: 1`).
    static func id(_ name: String, _ context: AppRequestContext) throws -> Int64 {
        let text = context.parameters.get(name) ?? ""
        guard let id = Int64(text), id > 0 else {
            throw BeckonError.invalidInput(field: name, reason: "must be a positive integer")
        }
        return id
    }

    /// The brand APIs take `v=1`; anything else is LivePerson's illegal version (33).
    static func checkVersion(_ request: Request) throws {
        if let version = request.uri.queryParameters.get("v"), version != "1", version != "1.0" {
            throw LPVersionError(version: String(version))
        }
    }
}
