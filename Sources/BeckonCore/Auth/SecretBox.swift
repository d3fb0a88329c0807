import Crypto

/// Encrypts secrets that must be readable again — the OAuth 1.0a consumer and token secrets
/// HMAC signatures are checked with — under the deployment's master key (ChaCha20-Poly1305).
/// The record's id is authenticated with each secret, so a sealed value copied to another row
/// does not open.
package struct SecretBox: Sendable {
    private let key: SymmetricKey

    package init(masterKey: [UInt8]) throws(BeckonError) {
        guard masterKey.count == 32 else {
            throw .invalidInput(field: "secrets.masterKey", reason: "must be 32 bytes (base64 encoded)")
        }
        self.key = SymmetricKey(data: masterKey)
    }

    package static func generateMasterKey() -> [UInt8] { RandomToken.bytes(32) }

    package func seal(_ secret: String, boundTo recordID: String) -> [UInt8] {
        // Sealing with a valid 32-byte key and a fresh random nonce cannot fail.
        let box = try! ChaChaPoly.seal(Array(secret.utf8), using: key, authenticating: Array(recordID.utf8))
        return Array(box.combined)
    }

    package func open(_ sealed: [UInt8], boundTo recordID: String) throws(BeckonError) -> String {
        do {
            let box = try ChaChaPoly.SealedBox(combined: sealed)
            let plain = try ChaChaPoly.open(box, using: key, authenticating: Array(recordID.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw .storageUnavailable("a stored secret does not open with this master key")
        }
    }
}
