import BeckonCore

/// Tampering with a compact JWS (a click token) for tests that expect it to be refused.
///
/// Overwriting the token's last characters does not always change it: an Ed25519 signature's
/// last byte is `< 0x10` (its scalar is below 2^253), so it is already 0 about one time in 16, and
/// the final base64url character carries padding bits a decoder ignores. Flipping a bit of a
/// decoded signature byte always changes what is signed-over.
package enum TamperedToken {
    /// `token` with one bit of its signature's first byte flipped; the header and claims unchanged.
    package static func flippingSignatureBit(_ token: String) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        precondition(parts.count == 3, "not a compact JWS")
        guard var signature = Base64URL.decode(parts[2]), !signature.isEmpty else {
            preconditionFailure("the signature is not base64url")
        }
        signature[0] ^= 0x01
        parts[2] = Base64URL.encode(signature)
        return parts.joined(separator: ".")
    }
}
