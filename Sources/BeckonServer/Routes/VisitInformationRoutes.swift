import BeckonCore
import Foundation
import Hummingbird

/// LivePerson's Visit Information API (SPEC §5), scope `visit:read`:
/// `GET …/monitoring/visitors/{vid}/visits/current/state?v=1&sid=[&filter=agent]`.
struct VisitInformationRoutes {
    let visits: BrandVisits
    let clock: any WallClock

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("monitoring/visitors/:visitorId/visits/current/state") { request, context in
            let principal = try context.require(.visitRead)
            try BrandPaths.checkVersion(request)
            let filter = request.uri.queryParameters.get("filter")
            if let filter, filter != "agent" {
                throw BeckonError.invalidInput(field: "filter", reason: "the only filter is 'agent'")
            }
            let visit = try await BrandPaths.unprocessableAccount {
                try await visits.liveVisit(
                    accountId: principal.accountId, visitorId: try context.parameters.require("visitorId"),
                    sessionId: try BrandPaths.sid(request.uri.queryParameters.get("sid").map { String($0) }))
            }
            let document = VisitInformation.document(
                visit: visit, now: clock.now().millisecondsSince1970, forAgent: filter == "agent")
            return try MonitoringRoutes.json(document, status: .ok, headers: [:])
        }
    }
}
