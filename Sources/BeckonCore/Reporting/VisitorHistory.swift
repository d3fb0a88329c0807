package import Foundation

/// One visitor's history from the journal (SPEC §8a `visitors/{id}`, §11): visits with their
/// pages, the engagements offered with display, click and call statuses, and the attributes
/// reported — including Click to Call, which LiveEngage's own history hides.
package struct VisitorHistory: Sendable, Equatable {
    package struct Page: Sendable, Equatable {
        package var pageId: String
        package var url: String
        package var title: String?
        package var at: Date
    }

    package struct CallStatusEntry: Sendable, Equatable {
        package var status: String
        package var disposition: String?
        package var at: Date
    }

    package struct EngagementEntry: Sendable, Equatable {
        package var campaignId: Int64
        package var engagementId: Int64
        package var revision: Int
        package var contextId: String
        package var placement: String
        package var offeredAt: Date
        package var displayedAt: Date?
        package var clickedAt: Date?
        package var closedAt: Date?
        package var validatedAt: Date?
        package var callStatuses: [CallStatusEntry] = []
    }

    package struct NotShown: Sendable, Equatable {
        package var campaignId: Int64
        package var engagementId: Int64
        package var reason: String
        package var at: Date
    }

    package struct AttributeEntry: Sendable, Equatable {
        package var type: String
        package var source: String
        package var at: Date
    }

    /// What the abuse defences did in the visit (refused clicks, dial authorizations, blocks).
    package struct AbuseEntry: Sendable, Equatable {
        package var action: String
        package var reason: String?
        package var contextId: String?
        package var country: String?
        package var at: Date
    }

    package struct Visit: Sendable, Equatable {
        package var sessionId: String
        package var startedAt: Date
        package var lastActivityAt: Date
        package var pages: [Page] = []
        package var engagements: [EngagementEntry] = []
        package var notShown: [NotShown] = []
        package var attributes: [AttributeEntry] = []
        package var abuse: [AbuseEntry] = []
    }

    package var visitorId: String
    package var visits: [Visit]

    /// The history in `events` (one visitor's, in sequence order); visits newest first.
    package init(visitorId: String, events: [StoredEvent]) {
        self.visitorId = visitorId
        var visits: [String: Visit] = [:]
        var order: [String] = []
        for stored in events {
            guard let entry = VisitJournalEntry(stored.event), entry.visitorId.description == visitorId else { continue }
            let session = entry.sessionId.description
            let at = entry.occurredAt
            if visits[session] == nil {
                order.append(session)
                visits[session] = Visit(sessionId: session, startedAt: at, lastActivityAt: at)
            }
            var visit = visits[session]!
            visit.lastActivityAt = max(visit.lastActivityAt, at)
            func engagement(_ contextId: String, _ change: (inout EngagementEntry) -> Void) {
                if let index = visit.engagements.lastIndex(where: { $0.contextId == contextId }) { change(&visit.engagements[index]) }
            }
            switch entry.event {
            case .pageView(let record):
                if !visit.pages.contains(where: { $0.pageId == record.pageId }) {
                    visit.pages.append(Page(pageId: record.pageId, url: record.url, title: record.title, at: at))
                }
            case .decision(let record):
                for outcome in record.outcomes {
                    if outcome.outcome == .shown, let contextId = outcome.contextId {
                        if !visit.engagements.contains(where: { $0.contextId == contextId }) {
                            visit.engagements.append(
                                EngagementEntry(
                                    campaignId: outcome.campaignId, engagementId: outcome.engagementId, revision: outcome.revision,
                                    contextId: contextId, placement: outcome.placement.rawValue, offeredAt: at))
                        }
                    } else if outcome.outcome != .shown {
                        visit.notShown.append(
                            NotShown(
                                campaignId: outcome.campaignId, engagementId: outcome.engagementId, reason: outcome.outcome.rawValue,
                                at: at))
                    }
                }
            case .impression(let record):
                engagement(record.contextId) { entry in
                    switch record.type {
                    case .impDisplay: entry.displayedAt = entry.displayedAt ?? at
                    case .impAccept: entry.clickedAt = entry.clickedAt ?? at
                    case .impClose, .impTimeout: entry.closedAt = entry.closedAt ?? at
                    case .impExpanded: break
                    }
                }
            case .validation(let record):
                engagement(record.contextId) { $0.validatedAt = $0.validatedAt ?? at }
            case .attribute(let record):
                let attribute = record.attribute
                visit.attributes.append(AttributeEntry(type: attribute.type, source: record.source.rawValue, at: at))
                if attribute.type == "convStatus", let contextId = attribute.fields["contextId"]?.string,
                    let status = attribute.fields["status"]?.string
                {
                    engagement(contextId) {
                        $0.callStatuses.append(
                            CallStatusEntry(status: status, disposition: attribute.fields["disposition"]?.string, at: at))
                    }
                }
            case .abuse(let record):
                visit.abuse.append(
                    AbuseEntry(
                        action: record.action.rawValue, reason: record.reason, contextId: record.contextId,
                        country: record.country, at: at))
            case .click, .close: break
            }
            visits[session] = visit
        }
        self.visits = order.reversed().compactMap { visits[$0] }
    }
}
