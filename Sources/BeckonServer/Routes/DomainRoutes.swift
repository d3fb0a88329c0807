import BeckonCore
import Foundation
import Hummingbird

/// LivePerson's Domain API (service discovery, SPEC §5): an SDK asks where each service of an
/// account lives, then calls it there. Pointed at Beckon, it finds Beckon for every service Beckon
/// serves. Public, like LivePerson's; rate-limited per address.
///
/// - `GET /api/account/{aid}/service/baseURI.json?version=1.0`: `{"baseURIs": [{service, account, baseURI}]}`
/// - `GET /api/account/{aid}/service/{service}/baseURI.json?version=1.0`: `{service, account, baseURI}`
struct DomainRoutes {
    let accounts: any AccountRepository
    let trustForwardedFor: Bool
    let limits: AddressLimits

    /// LivePerson's service names for the APIs Beckon implements: `smt` (monitoring, Validate
    /// Engagement, Visit Information, Engagement Attributes), `leDataReporting` (reports) and the
    /// account configuration (campaigns and engagements).
    static let services = ["smt", "leDataReporting", "accountConfigReadOnly", "accountConfigReadWrite"]

    struct Entry: Encodable {
        var service: String
        var account: String
        var baseURI: String
    }

    struct List: Encodable {
        var baseURIs: [Entry]
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("api/account/:accountId/service/baseURI.json") { request, context in
            let (account, base) = try await resolve(request, context)
            return try MonitoringRoutes.json(
                List(baseURIs: Self.services.map { Entry(service: $0, account: account, baseURI: base) }), status: .ok, headers: [:])
        }
        router.get("api/account/:accountId/service/:service/baseURI.json") { request, context in
            let (account, base) = try await resolve(request, context)
            let service = try context.parameters.require("service")
            guard Self.services.contains(service) else {
                throw BeckonError.notFound("service '\(service.prefix(64))' (Beckon serves \(Self.services.joined(separator: ", ")))")
            }
            return try MonitoringRoutes.json(Entry(service: service, account: account, baseURI: base), status: .ok, headers: [:])
        }
    }

    /// The account (which must exist: LivePerson answers 401 for an invalid site) and the
    /// host[:port] the client reached Beckon at.
    private func resolve(_ request: Request, _ context: AppRequestContext) async throws -> (String, String) {
        if let version = request.uri.queryParameters.get("version"), version != "1.0", version != "1" {
            throw LPVersionError(version: String(version), supported: "version=1.0")
        }
        let text = try context.parameters.require("accountId")
        guard let accountId = try? AccountID(text) else { throw BeckonError.unauthorized("unknown account") }
        try await limits.request(request, context, endpoint: "domain", accountId: nil)
        guard try await accounts.account(id: accountId) != nil else { throw BeckonError.unauthorized("unknown account") }
        return (accountId.rawValue, request.clientHost(trustForwardedFor: trustForwardedFor) ?? "localhost")
    }
}
