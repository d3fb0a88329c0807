import BeckonCore
import Foundation
import Testing

/// Standard Webhooks signatures (SPEC §12), checked against the specification's own example so
/// receivers' ready libraries verify what Beckon signs.
@Suite struct WebhookSignatureTests {
    // The example of the Standard Webhooks specification and its libraries' tests.
    static let secret = WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")!
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp: Int64 = 1_614_265_330
    static let body = Array(#"{"test": 2432232314}"#.utf8)
    static let at = Date(timeIntervalSince1970: Double(timestamp))

    @Test func signsAsTheSpecificationsExample() throws {
        let header = WebhookSignature.header(id: Self.id, timestamp: Self.timestamp, body: Self.body, secrets: [Self.secret])
        #expect(header == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        try WebhookSignature.verify(
            id: Self.id, timestamp: String(Self.timestamp), signatures: header, body: Self.body, secret: Self.secret, now: Self.at)
    }

    @Test func aChangedBodyAnotherSecretAnOldTimestampOrMissingHeadersDoNotVerify() throws {
        let header = WebhookSignature.header(id: Self.id, timestamp: Self.timestamp, body: Self.body, secrets: [Self.secret])
        func verify(
            id: String? = Self.id, timestamp: String? = String(Self.timestamp), signatures: String?, body: [UInt8] = Self.body,
            secret: WebhookSecret = Self.secret, now: Date = Self.at
        ) throws(WebhookSignature.Failure) {
            try WebhookSignature.verify(id: id, timestamp: timestamp, signatures: signatures, body: body, secret: secret, now: now)
        }
        #expect(throws: WebhookSignature.Failure.noMatchingSignature) { try verify(signatures: header, body: Array(#"{"test": 1}"#.utf8)) }
        #expect(throws: WebhookSignature.Failure.noMatchingSignature) { try verify(id: "msg_other", signatures: header) }
        #expect(throws: WebhookSignature.Failure.noMatchingSignature) { try verify(signatures: header, secret: .generate()) }
        #expect(throws: WebhookSignature.Failure.noMatchingSignature) { try verify(signatures: "v2,abc v1,!!!") }
        #expect(throws: WebhookSignature.Failure.timestampOutsideTolerance) {
            try verify(signatures: header, now: Self.at.addingTimeInterval(301))
        }
        #expect(throws: WebhookSignature.Failure.missingHeaders) { try verify(signatures: nil) }
        #expect(throws: WebhookSignature.Failure.missingHeaders) { try verify(timestamp: "soon", signatures: header) }
        try verify(signatures: header, now: Self.at.addingTimeInterval(-299))
    }

    @Test func duringARotationBothSecretsSign() throws {
        let next = WebhookSecret.generate()
        let header = WebhookSignature.header(id: Self.id, timestamp: Self.timestamp, body: Self.body, secrets: [Self.secret, next])
        #expect(header.split(separator: " ").count == 2)
        for secret in [Self.secret, next] {
            try WebhookSignature.verify(
                id: Self.id, timestamp: String(Self.timestamp), signatures: header, body: Self.body, secret: secret, now: Self.at)
        }
    }

    @Test func secretsAreWhsecAndAtLeast24Bytes() {
        let made = WebhookSecret.generate()
        #expect(made.key.count == 32 && made.description.hasPrefix("whsec_"))
        #expect(WebhookSecret(made.description) == made)
        #expect(WebhookSecret("whsec_" + Data(count: 16).base64EncodedString()) == nil, "too short")
        #expect(WebhookSecret(Data(count: 32).base64EncodedString()) == nil, "no prefix")
        #expect(WebhookSecret("whsec_not base64") == nil)
    }
}
