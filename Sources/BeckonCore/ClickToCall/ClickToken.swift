package import Crypto
package import Foundation

/// The signed, short-lived proof of one click on a Click to Call engagement (SPEC §5), carried
/// in the brand page URL as `token`. It is a JWS in compact form (`header.claims.signature`,
/// base64url, `alg` `EdDSA`), so a brand can verify it offline with any JOSE library and the
/// public keys from `GET /api/account/{aid}/clicktocall/keys`, or with Beckon's verify endpoint.
package struct ClickToken: Sendable, Equatable {
    /// The signed values: LivePerson's names for the identifiers, plus the click time and expiry
    /// (epoch seconds, as JWT's `iat` and `exp`).
    package struct Claims: Codable, Sendable, Equatable {
        package var accountId: String
        package var visitorId: String
        package var sessionId: String
        package var campaignId: Int64
        package var engagementId: Int64
        package var engagementRevision: Int
        package var contextId: String
        package var iat: Int64
        package var exp: Int64

        package init(
            accountId: String, visitorId: String, sessionId: String, campaignId: Int64, engagementId: Int64,
            engagementRevision: Int, contextId: String, iat: Int64, exp: Int64
        ) {
            self.accountId = accountId
            self.visitorId = visitorId
            self.sessionId = sessionId
            self.campaignId = campaignId
            self.engagementId = engagementId
            self.engagementRevision = engagementRevision
            self.contextId = contextId
            self.iat = iat
            self.exp = exp
        }
    }

    struct Header: Codable, Equatable {
        var alg = "EdDSA"
        var typ = "JWT"
        var kid: String
    }

    package var keyId: String
    package var claims: Claims

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The compact JWS signed with `key`.
    package static func sign(_ claims: Claims, keyId: String, with key: Curve25519.Signing.PrivateKey) -> String {
        let header = Base64URL.encode(try! encoder.encode(Header(kid: keyId)))
        let payload = Base64URL.encode(try! encoder.encode(claims))
        let input = "\(header).\(payload)"
        let signature = try! key.signature(for: Array(input.utf8))
        return "\(input).\(Base64URL.encode(signature))"
    }

    /// Why a token was refused.
    package enum Failure: Error, Equatable, Sendable {
        case malformed
        case unknownKey
        case badSignature
        case expired
        case otherAccount
    }

    /// Checks the form, the signature against `publicKeys` (by `kid`), the account and the
    /// expiry, in that order.
    package static func verify(
        _ token: String, publicKeys: [String: Curve25519.Signing.PublicKey], accountId: AccountID, now: Date,
        checkExpiry: Bool = true
    ) throws(Failure) -> ClickToken {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 4096, parts.count == 3,
            let headerBytes = Base64URL.decode(String(parts[0])),
            let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)), header.alg == "EdDSA",
            let claimBytes = Base64URL.decode(String(parts[1])),
            let claims = try? JSONDecoder().decode(Claims.self, from: Data(claimBytes)),
            let signature = Base64URL.decode(String(parts[2]))
        else { throw .malformed }
        guard let key = publicKeys[header.kid] else { throw .unknownKey }
        guard key.isValidSignature(signature, for: Array("\(parts[0]).\(parts[1])".utf8)) else { throw .badSignature }
        guard claims.accountId == accountId.rawValue else { throw .otherAccount }
        guard !checkExpiry || Int64(now.timeIntervalSince1970) < claims.exp else { throw .expired }
        return ClickToken(keyId: header.kid, claims: claims)
    }
}

/// One account's click-signing key pair. The private key is stored sealed under the master key
/// and never leaves the server; the public key is published with its id.
package struct ClickSigningKey: Sendable, Equatable {
    package var id: String
    package var accountId: AccountID
    package var publicKey: [UInt8]
    package var sealedPrivateKey: [UInt8]
    package var createdAt: Date

    package init(id: String, accountId: AccountID, publicKey: [UInt8], sealedPrivateKey: [UInt8], createdAt: Date) {
        self.id = id
        self.accountId = accountId
        self.publicKey = publicKey
        self.sealedPrivateKey = sealedPrivateKey
        self.createdAt = createdAt
    }

    /// A new key pair, the private half sealed with `box` and bound to the key id.
    package static func generate(accountId: AccountID, box: SecretBox, at date: Date) -> ClickSigningKey {
        let privateKey = Curve25519.Signing.PrivateKey()
        let id = "ck_" + RandomToken.make(byteCount: 9)
        return ClickSigningKey(
            id: id, accountId: accountId, publicKey: Array(privateKey.publicKey.rawRepresentation),
            sealedPrivateKey: box.seal(Base64URL.encode(privateKey.rawRepresentation), boundTo: id), createdAt: date)
    }

    package func privateKey(box: SecretBox) throws(BeckonError) -> Curve25519.Signing.PrivateKey {
        let text = try box.open(sealedPrivateKey, boundTo: id)
        guard let bytes = Base64URL.decode(text), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
            throw .storageUnavailable("a stored click-signing key is damaged")
        }
        return key
    }
}

/// Click-signing keys of accounts.
package protocol ClickKeyRepository: Sendable {
    /// Throws `.conflict` when the account already has a key created at the same moment by
    /// another node; callers then read the keys again.
    func create(_ key: ClickSigningKey) async throws
    /// The account's keys, newest first.
    func keys(accountId: AccountID) async throws -> [ClickSigningKey]
}
