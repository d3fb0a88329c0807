import Crypto
import Foundation
import Synchronization

/// Hashes phone numbers with each account's secret (HMAC-SHA256), so storage can compare
/// numbers without holding them (SPEC §13). The account's first secret is made on first use;
/// `rotate` adds a newer one, and numbers are looked up under every secret the account has.
package final class NumberHasher: Sendable {
    private let repository: any AbuseRepository
    private let box: SecretBox
    private let clock: any WallClock
    private let cache = Mutex<[AccountID: [SymmetricKey]]>([:])

    package init(repository: any AbuseRepository, box: SecretBox, clock: any WallClock) {
        self.repository = repository
        self.box = box
        self.clock = clock
    }

    /// The number's hash under each of the account's secrets, newest first.
    package func hashes(of number: PhoneNumber, accountId: AccountID) async throws -> [[UInt8]] {
        try await keys(for: accountId).map { Self.hash(number, key: $0) }
    }

    /// A brand's identity of a consumer (`iss` and `sub`, or a `consumerId`) under each of the
    /// account's secrets, newest first: stored and looked up instead of the identity itself.
    package func hashes(ofIdentity issuer: String, subject: String, accountId: AccountID) async throws -> [[UInt8]] {
        let text = Array("identity\u{0}\(issuer)\u{0}\(subject)".utf8)
        return try await keys(for: accountId).map { Array(HMAC<SHA256>.authenticationCode(for: text, using: $0)) }
    }

    /// Adds a new secret; new numbers are hashed with it, older hashes still match.
    package func rotate(accountId: AccountID) async throws {
        try await repository.addNumberKey(newKey(accountId))
        cache.withLock { $0[accountId] = nil }
    }

    static func hash(_ number: PhoneNumber, key: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(number.e164.utf8), using: key))
    }

    private func keys(for accountId: AccountID) async throws -> [SymmetricKey] {
        if let keys = cache.withLock({ $0[accountId] }) { return keys }
        var stored = try await repository.numberKeys(accountId: accountId)
        if stored.isEmpty {
            do {
                try await repository.addNumberKey(newKey(accountId))
            } catch BeckonError.conflict {
                // Another node made it first; use theirs.
            }
            stored = try await repository.numberKeys(accountId: accountId)
        }
        let keys = try stored.sorted { $0.createdAt > $1.createdAt }.map { key throws -> SymmetricKey in
            guard let secret = Base64URL.decode(try box.open(key.sealedSecret, boundTo: key.id)) else {
                throw BeckonError.storageUnavailable("a stored number-hash secret is damaged")
            }
            return SymmetricKey(data: secret)
        }
        cache.withLock { $0[accountId] = keys }
        return keys
    }

    private func newKey(_ accountId: AccountID) -> NumberHashKey {
        let id = "nk_" + RandomToken.make(byteCount: 9)
        return NumberHashKey(
            id: id, accountId: accountId, sealedSecret: box.seal(Base64URL.encode(RandomToken.bytes(32)), boundTo: id),
            createdAt: clock.now())
    }
}
