package import Crypto
import Foundation
import Synchronization

/// Signs click tokens with each account's newest key, creating the account's first key pair on
/// first use, and answers the public keys for verification. Keys are read from storage once per
/// account and kept in memory.
package final class ClickKeyring: Sendable {
    package struct Signer: Sendable {
        package let keyId: String
        package let privateKey: Curve25519.Signing.PrivateKey
    }

    private let repository: any ClickKeyRepository
    private let box: SecretBox
    private let clock: any WallClock
    private let cache = Mutex<[AccountID: [ClickSigningKey]]>([:])

    package init(repository: any ClickKeyRepository, box: SecretBox, clock: any WallClock) {
        self.repository = repository
        self.box = box
        self.clock = clock
    }

    /// The account's keys, newest first, creating the first one when there is none.
    package func keys(for accountId: AccountID) async throws -> [ClickSigningKey] {
        if let keys = cache.withLock({ $0[accountId] }), !keys.isEmpty { return keys }
        var keys = try await repository.keys(accountId: accountId)
        if keys.isEmpty {
            do {
                try await repository.create(ClickSigningKey.generate(accountId: accountId, box: box, at: clock.now()))
            } catch BeckonError.conflict {
                // Another node made it first; use theirs.
            }
            keys = try await repository.keys(accountId: accountId)
        }
        cache.withLock { $0[accountId] = keys }
        return keys
    }

    package func signer(for accountId: AccountID) async throws -> Signer {
        guard let newest = try await keys(for: accountId).first else {
            throw BeckonError.storageUnavailable("no click-signing key")
        }
        return Signer(keyId: newest.id, privateKey: try newest.privateKey(box: box))
    }

    package func publicKeys(for accountId: AccountID) async throws -> [String: Curve25519.Signing.PublicKey] {
        var result: [String: Curve25519.Signing.PublicKey] = [:]
        for key in try await keys(for: accountId) {
            result[key.id] = try? Curve25519.Signing.PublicKey(rawRepresentation: key.publicKey)
        }
        return result
    }
}
