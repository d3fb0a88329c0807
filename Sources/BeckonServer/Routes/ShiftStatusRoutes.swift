import BeckonCore
import Foundation
import Hummingbird

/// `GET /api/account/{accountId}/shift-status` (SPEC §8): for each campaign that is not
/// archived, whether it is on shift now and when it next goes on and off. A campaign without a
/// time frame is always on. Times are epoch milliseconds, as in LivePerson's shift-status entity.
struct ShiftStatusRoutes {
    let campaigns: any CampaignRepository
    let clock: any WallClock

    struct Entry: Encodable, Sendable {
        var campaignId: Int64
        var name: String
        var status: Campaign.Status
        var timeZone: String?
        var onShift: Bool
        var nextOn: Int64?
        var nextOff: Int64?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(campaignId, forKey: .campaignId)
            try container.encode(name, forKey: .name)
            try container.encode(status, forKey: .status)
            try container.encode(timeZone, forKey: .timeZone)
            try container.encode(onShift, forKey: .onShift)
            try container.encode(nextOn, forKey: .nextOn)
            try container.encode(nextOff, forKey: .nextOff)
        }

        enum CodingKeys: String, CodingKey { case campaignId, name, status, timeZone, onShift, nextOn, nextOff }
    }

    struct Answer: Encodable, Sendable {
        var time: Int64
        var campaigns: [Entry]
    }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("shift-status") { _, context in
            let principal = try context.requireAuthenticated()
            let now = clock.now()
            var entries: [Entry] = []
            var after: Int64 = 0
            while true {
                let page = try await campaigns.campaigns(accountId: principal.accountId, status: nil, afterId: after, limit: 200)
                for campaign in page where campaign.settings.status != .archived {
                    let status =
                        try campaign.settings.timeFrame.map { try ShiftCalendar($0).status(at: now) }
                        ?? ShiftCalendar.Status(onShift: true, nextOn: nil, nextOff: nil)
                    entries.append(
                        Entry(
                            campaignId: campaign.id, name: campaign.settings.name, status: campaign.settings.status,
                            timeZone: campaign.settings.timeFrame?.timeZone, onShift: status.onShift,
                            nextOn: status.nextOn?.millisecondsSince1970, nextOff: status.nextOff?.millisecondsSince1970))
                }
                guard page.count == 200, let last = page.last else { break }
                after = last.id
            }
            return JSONBody(value: Answer(time: now.millisecondsSince1970, campaigns: entries))
        }
    }
}
