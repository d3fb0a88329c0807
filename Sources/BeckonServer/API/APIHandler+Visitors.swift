import BeckonAPI
import BeckonCore
import Foundation
import Logging

/// A visitor's history within the account's retention (scope `visit:read`, SPEC §8a) and the
/// visitor's erasure (scope `admin`): live visit, journal events and report facts.
extension APIHandler {
    /// The most events one history reads (the most recent ones).
    static let maxHistoryEvents = 10_000

    func getVisitorHistory(_ input: Operations.GetVisitorHistory.Input) async throws -> Operations.GetVisitorHistory.Output {
        let principal = try OperationContext.require(.visitRead)
        let visitor = try Self.visitor(input.path.visitorId)
        let retention = try await storage.accounts.settings(accountId: principal.accountId)?.retentionDays ?? 90
        let events = try await storage.journal.events(
            accountId: principal.accountId, visitorId: visitor.description,
            since: clock.now().addingTimeInterval(-Double(retention) * 86_400), limit: Self.maxHistoryEvents)
        let history = VisitorHistory(visitorId: visitor.description, events: events)
        guard !history.visits.isEmpty else { throw BeckonError.notFound("visitor '\(visitor)'") }
        return .ok(.init(body: .json(.init(history))))
    }

    func eraseVisitor(_ input: Operations.EraseVisitor.Input) async throws -> Operations.EraseVisitor.Output {
        let principal = try OperationContext.require(.admin)
        let visitor = try Self.visitor(input.path.visitorId)
        guard let removed = try await erasure(accountId: principal.accountId, visitorId: visitor) else {
            throw BeckonError.notFound("visitor '\(visitor)'")
        }
        OperationContext.logger.notice("visitor erased", metadata: ["events": "\(removed)"])
        return .ok(.init(body: .json(.init(erasedEvents: removed))))
    }

    static func visitor(_ text: String) throws -> VisitToken {
        guard let visitor = VisitToken(text) else { throw BeckonError.invalidInput(field: "visitorId", reason: "is not a visitor id") }
        return visitor
    }
}

extension Components.Schemas.VisitorHistory {
    init(_ history: VisitorHistory) {
        self.init(visitorId: history.visitorId, visits: history.visits.map(Components.Schemas.VisitorHistoryVisit.init))
    }
}

extension Components.Schemas.VisitorHistoryVisit {
    init(_ visit: VisitorHistory.Visit) {
        self.init(
            sessionId: visit.sessionId, startedAt: visit.startedAt, lastActivityAt: visit.lastActivityAt,
            pages: visit.pages.map { .init(pageId: $0.pageId, url: $0.url, title: $0.title, at: $0.at) },
            engagements: visit.engagements.map { entry in
                .init(
                    campaignId: entry.campaignId, engagementId: entry.engagementId, revision: entry.revision,
                    contextId: entry.contextId, placement: entry.placement, offeredAt: entry.offeredAt,
                    displayedAt: entry.displayedAt, clickedAt: entry.clickedAt, closedAt: entry.closedAt,
                    validatedAt: entry.validatedAt,
                    callStatuses: entry.callStatuses.map { .init(status: $0.status, disposition: $0.disposition, at: $0.at) })
            },
            notShown: visit.notShown.map {
                .init(campaignId: $0.campaignId, engagementId: $0.engagementId, reason: $0.reason, at: $0.at)
            },
            attributes: visit.attributes.map { .init(_type: $0.type, source: $0.source, at: $0.at) },
            abuse: visit.abuse.map {
                .init(action: $0.action, reason: $0.reason, contextId: $0.contextId, country: $0.country, at: $0.at)
            })
    }
}
