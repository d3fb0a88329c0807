import BeckonCore
import Foundation
import Hummingbird
import Logging

/// `GET /api/v1/accounts/{accountId}/visitors/{visitorId}` (SPEC §8a, scope `visit:read`): the
/// visitor's visits within the account's retention, from the journal. `DELETE` (scope `admin`)
/// erases the visitor: live visit, journal events and report facts.
struct VisitorRoutes {
    let storage: Storage
    let erasure: VisitorErasure
    let clock: any WallClock

    /// The most events one history reads (the most recent ones).
    static let maxEvents = 10_000

    func register(on group: RouterGroup<AppRequestContext>) {
        group.delete("visitors/:visitorId") { _, context in
            let principal = try context.require(.admin)
            let visitor = try Self.visitor(context)
            guard
                let removed = try await erasure(accountId: principal.accountId, visitorId: visitor)
            else { throw BeckonError.notFound("visitor '\(visitor)'") }
            context.logger.notice("visitor erased", metadata: ["events": "\(removed)"])
            return JSONBody(value: ["erasedEvents": removed])
        }
        group.get("visitors/:visitorId") { _, context in
            let principal = try context.require(.visitRead)
            let visitor = try Self.visitor(context)
            let retention = try await storage.accounts.settings(accountId: principal.accountId)?.retentionDays ?? 90
            let events = try await storage.journal.events(
                accountId: principal.accountId, visitorId: visitor.description,
                since: clock.now().addingTimeInterval(-Double(retention) * 86_400), limit: Self.maxEvents)
            let history = VisitorHistory(visitorId: visitor.description, events: events)
            guard !history.visits.isEmpty else { throw BeckonError.notFound("visitor '\(visitor)'") }
            return JSONBody(value: history)
        }
    }

    static func visitor(_ context: AppRequestContext) throws -> VisitToken {
        guard let visitor = VisitToken(try context.parameters.require("visitorId")) else {
            throw BeckonError.invalidInput(field: "visitorId", reason: "is not a visitor id")
        }
        return visitor
    }
}
