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
    let console: Console
    let brand: Brand
    let limits: AddressLimits
    let clock: any WallClock

    /// How the generated code reads and writes JSON: ISO 8601 dates and sorted keys, as every
    /// other answer of Beckon's.
    static let configuration = OpenAPIRuntime.Configuration(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])

    /// Registers every generated operation, each on the group that serves its path's family.
    func register(on groups: [(prefix: String, group: RouterGroup<AppRequestContext>)]) throws {
        try registerHandlers(on: RoutingTransport(groups: groups), configuration: Self.configuration)
    }
}
