package import BeckonCore
package import Foundation

/// Campaigns and engagements built in memory, for decision tests and benchmarks.
package enum CampaignFixtures {
    package static let epoch = Date(timeIntervalSince1970: 1_790_000_000)

    package static func campaign(
        _ id: Int64, account: AccountID = AccountID(trusted: "acme"), priority: Int = 0, controlGroupPercent: Int = 0,
        timeFrame: TimeFrame? = nil, audience: Audience? = nil, capPerVisit: Int? = nil, createdAt: Date? = nil
    ) -> Campaign {
        Campaign(
            id: id, accountId: account,
            settings: CampaignSettings(
                name: "campaign \(id)", status: .live, priority: priority, audience: audience, timeFrame: timeFrame,
                controlGroupPercent: controlGroupPercent, capPerVisit: capPerVisit),
            createdAt: createdAt ?? epoch.addingTimeInterval(Double(id)), updatedAt: epoch)
    }

    package static func engagement(
        _ id: Int64, campaign: Int64, account: AccountID = AccountID(trusted: "acme"),
        type: EngagementSettings.Kind = .clickToCall, proactive: Bool = true, placement: EngagementSettings.Placement = .toaster,
        entryPoint: EntryPoint = .init(), behaviour: Behaviour = .init(), revision: Int = 1
    ) -> Engagement {
        Engagement(
            id: id, accountId: account, campaignId: campaign, revision: revision, status: .active,
            settings: EngagementSettings(
                name: "engagement \(id)", type: type, proactive: proactive, entryPoint: entryPoint, behaviour: behaviour,
                placement: placement, creative: .init(html: "<p>Call us, {{name}}</p><button data-beckon-click>Call</button>"),
                clickToCall: type == .clickToCall ? .init(brandPageUrl: "https://brand.example/call?src=beckon") : nil),
            createdAt: epoch, updatedAt: epoch)
    }

    /// `count` live campaigns with one proactive Click to Call engagement each, every one on its
    /// own product page (`/product/<n>/`), so a page matches one of them.
    package static func productCampaigns(_ count: Int, account: AccountID = AccountID(trusted: "acme")) -> [(Campaign, [Engagement])] {
        (1...Int64(count)).map { id in
            (
                campaign(id, account: account),
                [
                    engagement(
                        id, campaign: id, account: account,
                        entryPoint: EntryPoint(include: [.urlContains("/product/\(id)/")]),
                        behaviour: Behaviour(all: [.pageCount(min: 1)]))
                ]
            )
        }
    }
}
