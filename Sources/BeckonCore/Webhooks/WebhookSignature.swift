import Crypto
package import Foundation

/// An endpoint's signing secret, as Standard Webhooks writes it: `whsec_` and the base64 of the
/// key bytes (SPEC §12). Beckon makes 32 random bytes; receivers' libraries accept any length.
package struct WebhookSecret: Sendable, Equatable, CustomStringConvertible {
    package let key: [UInt8]

    package static let prefix = "whsec_"

    package init(key: [UInt8]) { self.key = key }

    /// Parses `whsec_<base64>`; nil unless it holds at least 24 bytes.
    package init?(_ text: String) {
        guard text.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))),
            data.count >= 24
        else { return nil }
        key = Array(data)
    }

    package static func generate() -> WebhookSecret { WebhookSecret(key: RandomToken.bytes(32)) }

    /// `whsec_<base64>`: shown to the brand once, when the endpoint is made or its secret rotated.
    package var description: String { Self.prefix + Data(key).base64EncodedString() }
}

/// Standard Webhooks signatures (standardwebhooks.com, SPEC §12): `webhook-signature` holds
/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` for each current secret, separated by
/// spaces (during a rotation, the old and the new), so receivers verify with the ready libraries.
package enum WebhookSignature {
    /// The `webhook-signature` header for a message signed with every secret given.
    package static func header(id: String, timestamp: Int64, body: [UInt8], secrets: [WebhookSecret]) -> String {
        secrets.map { "v1," + Data(mac(id: id, timestamp: timestamp, body: body, secret: $0)).base64EncodedString() }
            .joined(separator: " ")
    }

    /// Why a delivery does not verify.
    package enum Failure: Error, Equatable {
        case missingHeaders
        case timestampOutsideTolerance
        case noMatchingSignature
    }

    /// Checks a delivery as a receiver does: the timestamp within `tolerance` of `now` (replays
    /// of old deliveries refused), and one of the header's `v1` signatures made with `secret`
    /// (compared in constant time).
    package static func verify(
        id: String?, timestamp: String?, signatures: String?, body: [UInt8], secret: WebhookSecret, now: Date,
        tolerance: TimeInterval = 300
    ) throws(Failure) {
        guard let id, let timestamp, let seconds = Int64(timestamp), let signatures else { throw .missingHeaders }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { throw .timestampOutsideTolerance }
        let expected = mac(id: id, timestamp: seconds, body: body, secret: secret)
        for entry in signatures.split(separator: " ") {
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let given = Data(base64Encoded: String(parts[1])) else { continue }
            if ConstantTime.equals(Array(given), expected) { return }
        }
        throw .noMatchingSignature
    }

    private static func mac(id: String, timestamp: Int64, body: [UInt8], secret: WebhookSecret) -> [UInt8] {
        var signed = Array("\(id).\(timestamp).".utf8)
        signed += body
        return Array(HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: secret.key)))
    }
}
