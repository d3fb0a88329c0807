import BeckonAPI
import BeckonCore
import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The brand's LivePerson-style APIs under `/api/account/{accountId}` (SPEC §5, §7, §8, §13):
/// shift status, Validate Engagement, the online click-token check, the dial authorization and
/// closing a visit. Another
/// account's key is 422 there (the authenticator of that path family says so); these answers are
/// never cached.
extension APIHandler {
    /// What the brand's operations need beyond the storage every handler has.
    struct Brand: Sendable {
        var visits: BrandVisits
        var validations: ClickValidations
        var authorizeDial: AuthorizeDial
    }

    /// Closes the visit (SPEC §7): the brand APIs answer for it 6 more hours. Report data stays.
    func closeVisit(_ input: Operations.CloseVisit.Input) async throws -> Operations.CloseVisit.Output {
        let principal = try OperationContext.require(.eventsWrite)
        let sid = try BrandPaths.sid(input.query.sid)
        try await BrandPaths.unprocessableAccount {
            try await brand.visits.close(accountId: principal.accountId, visitorId: input.path.visitorId, sessionId: sid)
        }
        Self.noStore()
        return .ok(.init(body: .json(.init())))
    }

    func getShiftStatus(_ input: Operations.GetShiftStatus.Input) async throws -> Operations.GetShiftStatus.Output {
        let principal = try OperationContext.requireAuthenticated()
        let now = clock.now()
        var entries: [Components.Schemas.CampaignShift] = []
        var after: Int64 = 0
        while true {
            let page = try await storage.campaigns.campaigns(accountId: principal.accountId, status: nil, afterId: after, limit: 200)
            for campaign in page where campaign.settings.status != .archived {
                let shift =
                    try campaign.settings.timeFrame.map { try ShiftCalendar($0).status(at: now) }
                    ?? ShiftCalendar.Status(onShift: true, nextOn: nil, nextOff: nil)
                entries.append(
                    .init(
                        campaignId: campaign.id, name: campaign.settings.name,
                        status: try Representation.convert(campaign.settings.status, to: Components.Schemas.CampaignStatus.self),
                        timeZone: ExplicitNull(campaign.settings.timeFrame?.timeZone), onShift: shift.onShift,
                        nextOn: ExplicitNull(shift.nextOn?.millisecondsSince1970), nextOff: ExplicitNull(shift.nextOff?.millisecondsSince1970)))
            }
            guard page.count == 200, let last = page.last else { break }
            after = last.id
        }
        Self.noStore()
        return .ok(.init(body: .json(.init(time: now.millisecondsSince1970, campaigns: entries))))
    }

    func validateEngagement(_ input: Operations.ValidateEngagement.Input) async throws -> Operations.ValidateEngagement.Output {
        let principal = try OperationContext.require(.engagementValidate)
        let sid = try BrandPaths.sid(input.query.sid)
        let click = ClickValidations.ClickContext(
            accountId: principal.accountId, visitorId: input.path.visitorId, sessionId: sid,
            campaignId: input.path.campaignId, engagementId: input.path.engagementId, contextId: input.path.contextId)
        let validation = try await BrandPaths.unprocessableAccount { try await brand.validations.validate(click, method: .validateEngagement) }
        Self.noStore()
        let body = Components.Schemas.Validation(validation, claims: nil)
        return validation.valid ? .ok(.init(body: .json(body))) : .notFound(.init(body: .json(body)))
    }

    func verifyClickToken(_ input: Operations.VerifyClickToken.Input) async throws -> Operations.VerifyClickToken.Output {
        let principal = try OperationContext.require(.engagementValidate)
        let bound = try OperationContext.bound()
        try await limits.request(bound.request, bound.context, endpoint: "tokenVerify", accountId: principal.accountId)
        guard case .json(let request) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        let (token, validation) = try await BrandPaths.unprocessableAccount {
            try await brand.validations.verify(token: request.token, accountId: principal.accountId)
        }
        Self.noStore()
        let body = Components.Schemas.Validation(validation, claims: token?.claims)
        return validation.valid ? .ok(.init(body: .json(body))) : .notFound(.init(body: .json(body)))
    }

    /// A phone number is never answered back, logged or stored: only its keyed hash and country.
    func authorizeDial(_ input: Operations.AuthorizeDial.Input) async throws -> Operations.AuthorizeDial.Output {
        let principal = try OperationContext.require(.engagementValidate)
        guard case .json(let request) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        for (field, value, limit) in [
            ("visitorId", request.visitorId, 64), ("sessionId", request.sessionId, 64), ("contextId", request.contextId, 16),
        ] where value.isEmpty || value.utf8.count > limit {
            throw BeckonError.invalidInput(field: field, reason: "must be 1 to \(limit) characters")
        }
        let number = try PhoneNumber(input: request.phoneNumber)
        let answer = try await BrandPaths.unprocessableAccount {
            try await brand.authorizeDial(
                AuthorizeDial.Request(
                    accountId: principal.accountId, visitorId: request.visitorId, sessionId: request.sessionId,
                    contextId: request.contextId, phoneNumber: number))
        }
        if let wait = answer.retryAfterSeconds { OperationContext.setResponseHeader(.retryAfter, String(wait)) }
        Self.noStore()
        let body = Components.Schemas.DialAuthorization(
            allowed: answer.allowed, authorizationId: answer.authorizationId, country: answer.country,
            reason: answer.refusal.flatMap { .init(rawValue: $0.rawValue) }, retryAfterSeconds: answer.retryAfterSeconds)
        return answer.allowed ? .ok(.init(body: .json(body))) : .forbidden(.init(body: .json(body)))
    }

    /// `Cache-Control: no-store`: a validation or an authorization is true only when it is asked.
    static func noStore() {
        OperationContext.setResponseHeader(.cacheControl, "no-store")
    }
}

extension Components.Schemas.Validation {
    /// The validation's answer; the token's claims only when it is valid.
    init(_ validation: ClickValidations.Validation, claims: ClickToken.Claims?) {
        self.init(
            valid: validation.valid, reason: validation.reason, clickedAt: validation.clickedAt?.millisecondsSince1970,
            expiresAt: validation.expiresAt?.millisecondsSince1970, validationsLeft: ExplicitNull(validation.validationsLeft),
            claims: validation.valid ? claims.map(ClaimsPayload.init) : nil)
    }
}

extension Components.Schemas.Validation.ClaimsPayload {
    init(_ claims: ClickToken.Claims) {
        self.init(
            accountId: claims.accountId, visitorId: claims.visitorId, sessionId: claims.sessionId, campaignId: claims.campaignId,
            engagementId: claims.engagementId, engagementRevision: claims.engagementRevision, contextId: claims.contextId,
            iat: claims.iat, exp: claims.exp)
    }
}
