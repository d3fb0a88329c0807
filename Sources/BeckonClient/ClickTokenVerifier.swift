import Crypto
public import Foundation

/// Checks a click token without calling Beckon (SPEC §5): the EdDSA signature against the
/// account's published keys, the account, the expiry, and that the claims are the click's.
/// It cannot count validations: keep your own record of used (sessionId, contextId) pairs when a
/// link must start only one call.
public struct ClickTokenVerifier: Sendable {
    public let accountId: String
    public let keys: JSONWebKeySet

    public init(accountId: String, keys: JSONWebKeySet) {
        self.accountId = accountId
        self.keys = keys
    }

    public enum Failure: Error, Equatable {
        case malformed, unknownKey, badSignature, otherAccount, expired, doesNotMatchClick
    }

    /// The token's claims when it is genuine, for this account, not expired and (when `click`
    /// is given) about that click.
    public func verify(_ token: String, click: ClickThrough? = nil, now: Date = Date()) throws(Failure) -> ClickClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.base64URL(parts[0]), let payload = Self.base64URL(parts[1]),
            let signature = Self.base64URL(parts[2]),
            let headerObject = try? JSONSerialization.jsonObject(with: header) as? [String: Any],
            headerObject["alg"] as? String == "EdDSA", let kid = headerObject["kid"] as? String
        else { throw .malformed }
        guard let key = keys.keys.first(where: { $0.kid == kid && $0.crv == "Ed25519" }), let raw = Self.base64URL(Substring(key.x)),
            let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw .unknownKey }
        guard publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)) else { throw .badSignature }
        guard let claims = try? JSONDecoder().decode(ClickClaims.self, from: payload) else { throw .malformed }
        guard claims.accountId == accountId else { throw .otherAccount }
        guard Double(claims.exp) > now.timeIntervalSince1970 else { throw .expired }
        if let click {
            guard claims.visitorId == click.visitorId, claims.sessionId == click.sessionId, claims.campaignId == click.campaignId,
                claims.engagementId == click.engagementId, claims.engagementRevision == click.engagementRevision,
                claims.contextId == click.contextId, claims.accountId == click.accountId
            else { throw .doesNotMatchClick }
        }
        return claims
    }

    static func base64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
