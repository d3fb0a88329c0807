internal import BeckonClientAPI

// The friendly models from the generated wire types (Sources/BeckonClientAPI): the public API
// stays the same while the document decides what is on the wire.

extension Validation {
    init(_ answer: Components.Schemas.Validation) {
        self.init(
            valid: answer.valid, reason: answer.reason, clickedAt: answer.clickedAt, expiresAt: answer.expiresAt,
            validationsLeft: answer.validationsLeft, claims: answer.claims.map(ClickClaims.init))
    }
}

extension ClickClaims {
    init(_ claims: Components.Schemas.Validation.ClaimsPayload) {
        self.init(
            accountId: claims.accountId, visitorId: claims.visitorId, sessionId: claims.sessionId, campaignId: claims.campaignId,
            engagementId: claims.engagementId, engagementRevision: claims.engagementRevision, contextId: claims.contextId,
            iat: claims.iat, exp: claims.exp)
    }
}

extension DialAuthorization {
    init(_ answer: Components.Schemas.DialAuthorization) {
        self.init(
            allowed: answer.allowed, authorizationId: answer.authorizationId, country: answer.country, reason: answer.reason,
            retryAfterSeconds: answer.retryAfterSeconds)
    }
}

extension JSONWebKeySet {
    init(_ answer: Components.Schemas.ClickKeySet) {
        self.init(keys: answer.keys.map { Key(kid: $0.kid, kty: $0.kty.rawValue, crv: $0.crv.rawValue, x: $0.x) })
    }
}
