package import BeckonCore
package import Foundation

/// A scripted event history, fed as the journal would hold it.
package struct EventScript {
    package var events: [StoredEvent] = []
    package var visitor = VisitToken.random()
    package var session = VisitToken.random()
    package var at = CampaignFixtures.epoch
    package var accountId = AccountID(trusted: "acme")

    package init() {}

    package mutating func visit(_ visitor: VisitToken, _ session: VisitToken) {
        self.visitor = visitor
        self.session = session
    }

    package mutating func add(_ event: VisitEvent) {
        at = at.addingTimeInterval(1)
        let entry = VisitJournalEntry(accountId: accountId, visitorId: visitor, sessionId: session, occurredAt: at, event: event)
        events.append(StoredEvent(sequence: Int64(events.count + 1), event: entry.journalEvent))
    }

    package mutating func page(_ id: String, newVisit: Bool = false) {
        add(.pageView(PageViewRecord(siteId: "s", pageId: id, url: "https://b.example/\(id)", newVisit: newVisit)))
    }

    package mutating func decide(
        _ page: String, _ outcomes: [(campaign: Int64, engagement: Int64, outcome: DecisionOutcome, context: String?)],
        placement: EngagementSettings.Placement = .toaster
    ) {
        add(
            .decision(
                DecisionRecord(
                    pageId: page,
                    outcomes: outcomes.map {
                        .init(
                            campaignId: $0.campaign, engagementId: $0.engagement, revision: 1, outcome: $0.outcome, type: .clickToCall,
                            proactive: true, placement: placement, contextId: $0.context)
                    })))
    }

    package mutating func impression(_ type: ImpressionRecord.Kind, campaign: Int64, engagement: Int64, context: String = "1") {
        add(.impression(ImpressionRecord(type: type, pageId: nil, campaignId: campaign, engagementId: engagement, revision: 1, contextId: context)))
    }

    package mutating func sde(_ fields: [String: JSONValue]) {
        add(.attribute(AttributeRecord(pageId: nil, source: .page, attribute: try! EngagementAttribute(fields: fields))))
    }

    package mutating func purchase(_ orderId: String, _ total: Double) {
        sde(["type": .string("purchase"), "orderId": .string(orderId), "total": .number(total)])
    }

    package mutating func customer(_ type: String) {
        sde(["type": .string("ctmrinfo"), "info": .object(["ctype": .string(type)])])
    }

    package mutating func lead(_ leadId: String) {
        sde(["type": .string("lead"), "lead": .object(["leadId": .string(leadId), "topic": .string("quote")])])
    }

    package mutating func call(_ status: String, context: String = "1", disposition: String? = nil) {
        var fields: [String: JSONValue] = ["type": .string("convStatus"), "contextId": .string(context), "status": .string(status)]
        if let disposition { fields["disposition"] = .string(disposition) }
        let sde = try! EngagementAttribute(fields: fields)
        add(.attribute(AttributeRecord(pageId: nil, source: .brand, attribute: sde)))
    }
}
