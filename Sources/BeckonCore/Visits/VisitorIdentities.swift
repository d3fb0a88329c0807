package import Foundation

/// A brand's identities of a consumer (LivePerson's `identities: [{iss, sub, acr}]` and the
/// deprecated `consumerId`): a monitoring call without `vid` that names one seen before continues
/// that visitor (SPEC §4). Only keyed hashes are stored.
package struct VisitorIdentities: Sendable {
    package struct Identity: Sendable, Hashable {
        package var issuer: String
        package var subject: String

        package init(issuer: String, subject: String) {
            self.issuer = issuer
            self.subject = subject
        }

        /// `consumerId` is an identity of its own issuer.
        package static func consumer(_ id: String) -> Identity { Identity(issuer: "consumerId", subject: id) }
    }

    let repository: any VisitorIdentityRepository
    let hasher: NumberHasher

    package init(repository: any VisitorIdentityRepository, hasher: NumberHasher) {
        self.repository = repository
        self.hasher = hasher
    }

    /// The visitor last seen with any of `identities`.
    package func visitor(for identities: [Identity], accountId: AccountID) async throws -> String? {
        guard !identities.isEmpty else { return nil }
        var hashes: [[UInt8]] = []
        for identity in identities {
            hashes += try await hasher.hashes(ofIdentity: identity.issuer, subject: identity.subject, accountId: accountId)
        }
        return try await repository.visitor(accountId: accountId, hashes: hashes)
    }

    /// Remembers `identities` with `visitorId` (under the account's newest secret).
    package func remember(_ identities: [Identity], visitorId: String, accountId: AccountID, at: Date) async throws {
        for identity in identities {
            guard let hash = try await hasher.hashes(ofIdentity: identity.issuer, subject: identity.subject, accountId: accountId).first
            else { continue }
            try await repository.remember(accountId: accountId, hash: hash, visitorId: visitorId, at: at)
        }
    }
}
