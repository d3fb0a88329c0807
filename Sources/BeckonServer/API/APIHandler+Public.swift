import BeckonAPI
import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird

/// The public operations under `/api/account/{accountId}` (no key, rate limited per address):
/// LivePerson's Domain API (SPEC §5: an SDK asks where each service of an account lives; pointed
/// at Beckon it finds Beckon for every service Beckon serves) and the click tokens' public keys.
extension APIHandler {
    /// LivePerson's service names for the APIs Beckon implements: `smt` (monitoring, Validate
    /// Engagement, Visit Information, Engagement Attributes), `leDataReporting` (reports) and the
    /// account configuration (campaigns and engagements).
    static let services = ["smt", "leDataReporting", "accountConfigReadOnly", "accountConfigReadWrite"]

    func domainList(_ input: Operations.DomainList.Input) async throws -> Operations.DomainList.Output {
        let (account, base) = try await serviceHost(input.path.accountId)
        let entries = Self.services.map { Components.Schemas.ServiceBaseURI(service: $0, account: account, baseURI: base) }
        Self.noStore()
        return .ok(.init(body: .json(.init(baseURIs: entries))))
    }

    func domainService(_ input: Operations.DomainService.Input) async throws -> Operations.DomainService.Output {
        let (account, base) = try await serviceHost(input.path.accountId)
        let service = input.path.service
        guard Self.services.contains(service) else {
            throw BeckonError.notFound("service '\(service.prefix(64))' (Beckon serves \(Self.services.joined(separator: ", ")))")
        }
        Self.noStore()
        return .ok(.init(body: .json(.init(service: service, account: account, baseURI: base))))
    }

    /// The public keys click tokens are signed with, as a JSON Web Key Set (`OKP`/`Ed25519`, with
    /// `kid`), so a brand can verify a token offline with any JOSE library.
    func getClickKeys(_ input: Operations.GetClickKeys.Input) async throws -> Operations.GetClickKeys.Output {
        let text = input.path.accountId
        guard let accountId = try? AccountID(text) else { throw BeckonError.unknownAccount(text) }
        let bound = try OperationContext.bound()
        try await limits.request(bound.request, bound.context, endpoint: "clickKeys", accountId: accountId)
        let keys = try await keyring.keys(for: accountId).map {
            Components.Schemas.ClickKey(
                kty: .okp, crv: .ed25519, alg: .edDSA, use: .sig, kid: $0.id, x: Base64URL.encode($0.publicKey), createdAt: $0.createdAt)
        }
        OperationContext.setResponseHeader(.cacheControl, "public, max-age=300")
        return .ok(.init(body: .json(.init(keys: keys))))
    }

    /// The account (which must exist: LivePerson answers 401 for an invalid site) and the
    /// host[:port] the client reached Beckon at.
    private func serviceHost(_ text: String) async throws -> (account: String, host: String) {
        guard let accountId = try? AccountID(text) else { throw BeckonError.unauthorized("unknown account") }
        let bound = try OperationContext.bound()
        try await limits.request(bound.request, bound.context, endpoint: "domain", accountId: nil)
        guard try await storage.accounts.account(id: accountId) != nil else { throw BeckonError.unauthorized("unknown account") }
        return (accountId.rawValue, bound.request.clientHost(trustForwardedFor: trustForwardedFor) ?? "localhost")
    }
}
