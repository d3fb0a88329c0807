import Crypto
import _CryptoExtras

/// PBKDF2-HMAC-SHA256 password hashes in a self-describing form,
/// `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>`, so the iteration count can be
/// raised later without invalidating stored hashes.
package struct PasswordHasher: Sendable {
    /// OWASP's 2023 floor for PBKDF2-HMAC-SHA256, and the default.
    package static let recommendedIterations = 600_000

    package let iterations: Int

    /// `iterations` below the recommended floor exist only so tests need not spend seconds per
    /// hash; production wiring always uses the default.
    package init(iterations: Int = PasswordHasher.recommendedIterations) {
        self.iterations = iterations
    }

    package func hash(_ password: String) -> String {
        let salt = RandomToken.bytes(16)
        let derived = Self.derive(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Base64.encode(salt))$\(Base64.encode(derived))"
    }

    /// Whether `password` matches `stored`; false for a malformed hash, never a throw.
    package func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
            let salt = Base64.decode(parts[2]), let expected = Base64.decode(parts[3])
        else { return false }
        return ConstantTime.equals(Self.derive(password, salt: salt, iterations: rounds), expected)
    }

    /// A password for a new admin: 20 characters from an alphabet without look-alikes (about 115
    /// bits), printed once by `beckon account create`.
    package static func generatePassword() -> String {
        RandomToken.make(length: 20, alphabet: Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
    }

    private static func derive(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        // Our own parameters cannot make PBKDF2 fail (positive rounds, 32-byte output); a failure
        // would be a broken crypto library, which must not pass as "wrong password" silently.
        let key = try! KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Array($0) }
    }
}
