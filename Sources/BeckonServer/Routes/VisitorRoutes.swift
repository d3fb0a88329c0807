import BeckonCore
import Foundation
import Hummingbird

/// `GET /api/v1/accounts/{accountId}/visitors/{visitorId}` (SPEC §8a, scope `visit:read`): the
/// visitor's visits within the account's retention, from the journal.
struct VisitorRoutes {
    let storage: Storage
    let clock: any WallClock

    /// The most events one history reads (the most recent ones).
    static let maxEvents = 10_000

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("visitors/:visitorId") { _, context in
            let principal = try context.require(.visitRead)
            let text = try context.parameters.require("visitorId")
            guard let visitor = VisitToken(text) else {
                throw BeckonError.invalidInput(field: "visitorId", reason: "is not a visitor id")
            }
            let retention = try await storage.accounts.settings(accountId: principal.accountId)?.retentionDays ?? 90
            let events = try await storage.journal.events(
                accountId: principal.accountId, visitorId: visitor.description,
                since: clock.now().addingTimeInterval(-Double(retention) * 86_400), limit: Self.maxEvents)
            let history = VisitorHistory(visitorId: visitor.description, events: events)
            guard !history.visits.isEmpty else { throw BeckonError.notFound("visitor '\(visitor)'") }
            return JSONBody(value: history)
        }
    }
}
