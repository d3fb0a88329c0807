import BeckonAPI
import BeckonCore
import BeckonStorage
import Foundation
import Hummingbird
import OpenAPIRuntime

/// Beckon's implementation of the protocol generated from `docs/openapi.yaml` (see
/// `Tools/OpenAPIGenerator/BeckonAPI.yaml` for the operations it covers). Each handler checks
/// the principal's scope, calls a Core service and maps its answer into the generated type;
/// errors are thrown as `BeckonError` and become LivePerson's envelope in `ErrorMiddleware`.
struct APIHandler: APIProtocol {
    let storage: Storage
    let provisioning: Provisioning
    let abuseBlocks: AbuseBlocks
    let erasure: VisitorErasure
    let reports: Reports
    let consoleSignIn: ConsoleSignIn
    let keyring: ClickKeyring
    let brand: Brand
    let limits: AddressLimits
    let webhooks: WebhookEndpoints
    /// Whether `X-Forwarded-*` says where the client is (`http.trustForwardedFor`).
    let trustForwardedFor: Bool
    let clock: any WallClock

    /// How the generated code reads and writes JSON: ISO 8601 dates and sorted keys, as every
    /// other answer of Beckon's.
    static let configuration = OpenAPIRuntime.Configuration(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])

    /// Registers every generated operation, each on the group that serves its path's family.
    func register(on groups: [RoutingTransport.Entry]) throws {
        try registerHandlers(on: RoutingTransport(groups: groups), configuration: Self.configuration)
    }
}
