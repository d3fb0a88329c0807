import BeckonCore
import Foundation
import Hummingbird

/// `GET /api/account/{accountId}/clicktocall/keys` (SPEC §5): the public keys click tokens are
/// signed with, as a JSON Web Key Set (`OKP`/`Ed25519`, with `kid`), so a brand can verify a
/// token offline with any JOSE library. Public: these are public keys.
struct ClickKeyRoutes {
    let keyring: ClickKeyring
    let limits: AddressLimits

    struct JWK: Encodable {
        var kty = "OKP"
        var crv = "Ed25519"
        var alg = "EdDSA"
        var use = "sig"
        var kid: String
        /// The raw 32-byte public key, base64url (RFC 8037).
        var x: String
        var createdAt: Date
    }

    struct KeySet: Encodable {
        var keys: [JWK]
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("api/account/:accountId/clicktocall/keys") { request, context in
            let text = try context.parameters.require("accountId")
            guard let accountId = try? AccountID(text) else { throw BeckonError.unknownAccount(text) }
            try await limits.request(request, context, endpoint: "clickKeys", accountId: accountId)
            let keys = try await keyring.keys(for: accountId)
            var response = try JSONBody(
                value: KeySet(keys: keys.map { JWK(kid: $0.id, x: Base64URL.encode($0.publicKey), createdAt: $0.createdAt) })
            ).response(from: request, context: context)
            response.headers[.cacheControl] = "public, max-age=300"
            return response
        }
    }
}
