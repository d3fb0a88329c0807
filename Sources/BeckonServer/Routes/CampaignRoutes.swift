import BeckonCore
import Foundation
import Hummingbird

/// Campaigns and engagements of the management API (SPEC §8a). Reads need any valid key;
/// changes need `campaigns:write` (or `admin`). Deleting archives: reports keep everything.
struct CampaignRoutes {
    let campaigns: any CampaignRepository
    let clock: any WallClock

    static let campaignFields: Set<String> = [
        "name", "status", "priority", "goal", "audience", "timeFrame", "controlGroupPercent", "capPerVisit",
    ]
    static let engagementFields: Set<String> = [
        "name", "type", "proactive", "entryPoint", "behaviour", "placement", "target", "openMode", "timeoutSeconds",
        "creative", "clickToCall", "language",
    ]

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("campaigns") { request, context in
            let principal = try context.requireAuthenticated()
            let status = try request.uri.queryParameters.get("status").map { text -> Campaign.Status in
                guard let status = Campaign.Status(rawValue: text) else {
                    throw BeckonError.invalidInput(field: "status", reason: "'\(text)' is not one of draft, live, paused, archived")
                }
                return status
            }
            let page = try Page(request)
            let items = try await campaigns.campaigns(
                accountId: principal.accountId, status: status, afterId: page.after, limit: page.limit)
            return JSONBody(value: ItemList(items: items.map(CampaignView.init), nextCursor: page.next(items.last?.id, count: items.count)))
        }
        group.post("campaigns") { request, context in
            let principal = try context.require(.campaignsWrite)
            let object = try await StrictJSON.object(allowedFields: Self.campaignFields, from: request, context: context)
            let settings = try StrictJSON.decode(CampaignSettings.self, from: try Self.withCampaignDefaults(object))
            try settings.validate()
            let campaign = try await campaigns.createCampaign(accountId: principal.accountId, settings: settings, at: clock.now())
            return JSONBody(value: CampaignView(campaign), status: .created)
        }
        group.get("campaigns/:campaignId") { _, context in
            let principal = try context.requireAuthenticated()
            return JSONBody(value: CampaignView(try await campaign(principal, context)))
        }
        group.patch("campaigns/:campaignId") { request, context in
            let principal = try context.require(.campaignsWrite)
            let current = try await campaign(principal, context)
            let changes = try await StrictJSON.object(allowedFields: Self.campaignFields, from: request, context: context)
            let settings = try Self.merge(current.settings, changes, as: CampaignSettings.self)
            try settings.validate()
            let updated = try await campaigns.updateCampaign(
                accountId: principal.accountId, id: current.id, settings: settings, at: clock.now())
            return JSONBody(value: CampaignView(updated))
        }
        group.delete("campaigns/:campaignId") { _, context in
            let principal = try context.require(.campaignsWrite)
            var settings = try await campaign(principal, context).settings
            settings.status = .archived
            let archived = try await campaigns.updateCampaign(
                accountId: principal.accountId, id: try Self.id("campaignId", context), settings: settings, at: clock.now())
            return JSONBody(value: CampaignView(archived))
        }
        group.get("campaigns/:campaignId/engagements") { request, context in
            let principal = try context.requireAuthenticated()
            let campaign = try await campaign(principal, context)
            let items = try await campaigns.engagements(accountId: principal.accountId, campaignId: campaign.id)
            return JSONBody(value: try Page(request).slice(items.map(EngagementView.init)))
        }
        group.post("campaigns/:campaignId/engagements") { request, context in
            let principal = try context.require(.campaignsWrite)
            let campaign = try await campaign(principal, context)
            let settings = try await StrictJSON.decode(
                EngagementSettings.self, allowedFields: Self.engagementFields, from: request, context: context)
            try settings.validate()
            let engagement = try await campaigns.createEngagement(
                accountId: principal.accountId, campaignId: campaign.id, settings: settings, at: clock.now())
            return JSONBody(value: EngagementView(engagement), status: .created)
        }
        group.get("engagements/:engagementId") { _, context in
            let principal = try context.requireAuthenticated()
            return JSONBody(value: EngagementView(try await engagement(principal, context)))
        }
        group.patch("engagements/:engagementId") { request, context in
            let principal = try context.require(.campaignsWrite)
            let current = try await engagement(principal, context)
            let changes = try await StrictJSON.object(allowedFields: Self.engagementFields, from: request, context: context)
            let settings = try Self.merge(current.settings, changes, as: EngagementSettings.self)
            try settings.validate()
            let updated = try await campaigns.updateEngagement(
                accountId: principal.accountId, id: current.id, settings: settings, at: clock.now())
            return JSONBody(value: EngagementView(updated))
        }
        group.delete("engagements/:engagementId") { _, context in
            let principal = try context.require(.campaignsWrite)
            let current = try await engagement(principal, context)
            let archived = try await campaigns.archiveEngagement(accountId: principal.accountId, id: current.id, at: clock.now())
            return JSONBody(value: EngagementView(archived))
        }
        group.get("engagements/:engagementId/preview") { request, context in
            let principal = try context.requireAuthenticated()
            let engagement = try await engagement(principal, context)
            var values: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { values[String(name)] = String(value) }
            return PreviewPage.response(for: engagement, values: values)
        }
        // The console's live preview of a creative being edited: nothing is stored.
        group.post("engagements/preview") { request, context in
            _ = try context.requireAuthenticated()
            let body = try await StrictJSON.decode(
                PreviewInput.self, allowedFields: ["name", "type", "placement", "creative", "values"], from: request,
                context: context)
            return PreviewPage.response(
                name: body.name ?? "Preview", id: 0, revision: 0, type: body.type ?? .clickToCall,
                placement: body.placement ?? .toaster, creative: body.creative, values: body.values ?? [:])
        }
        group.post("engagements/:engagementId/duplicate") { _, context in
            let principal = try context.require(.campaignsWrite)
            let original = try await engagement(principal, context)
            var settings = original.settings
            settings.name = String((settings.name + " (copy)").prefix(200))
            let copy = try await campaigns.createEngagement(
                accountId: principal.accountId, campaignId: original.campaignId, settings: settings, at: clock.now())
            return JSONBody(value: EngagementView(copy), status: .created)
        }
    }

    private func campaign(_ principal: Principal, _ context: AppRequestContext) async throws -> Campaign {
        let id = try Self.id("campaignId", context)
        guard let campaign = try await campaigns.campaign(accountId: principal.accountId, id: id) else {
            throw BeckonError.notFound("campaign \(id)")
        }
        return campaign
    }

    private func engagement(_ principal: Principal, _ context: AppRequestContext) async throws -> Engagement {
        let id = try Self.id("engagementId", context)
        guard let engagement = try await campaigns.engagement(accountId: principal.accountId, id: id) else {
            throw BeckonError.notFound("engagement \(id)")
        }
        return engagement
    }

    /// A path id; anything but a positive integer is simply not found.
    struct PreviewInput: Decodable {
        var name: String?
        var type: EngagementSettings.Kind?
        var placement: EngagementSettings.Placement?
        var creative: EngagementSettings.Creative
        var values: [String: String]?
    }

    static func id(_ name: String, _ context: AppRequestContext) throws -> Int64 {
        let text = context.parameters.get(name) ?? ""
        guard let id = Int64(text), id > 0 else {
            throw BeckonError.notFound("\(name.replacingOccurrences(of: "Id", with: "")) '\(text)'")
        }
        return id
    }

    /// A new campaign starts as a draft with priority 0 and no control group unless told otherwise.
    static func withCampaignDefaults(_ object: [String: Any]) throws -> Data {
        var object = object
        if object["status"] == nil { object["status"] = "draft" }
        if object["priority"] == nil { object["priority"] = 0 }
        if object["controlGroupPercent"] == nil { object["controlGroupPercent"] = 0 }
        return try JSONSerialization.data(withJSONObject: object)
    }

    /// PATCH semantics: each field given replaces the current one; `null` clears an optional one.
    static func merge<T: Codable>(_ current: T, _ changes: [String: Any], as type: T.Type) throws -> T {
        var object = (try JSONSerialization.jsonObject(with: JSONEncoder().encode(current)) as? [String: Any]) ?? [:]
        for (key, value) in changes {
            if value is NSNull { object.removeValue(forKey: key) } else { object[key] = value }
        }
        return try StrictJSON.decode(T.self, from: try JSONSerialization.data(withJSONObject: object))
    }
}

/// A campaign as the API shows it: its settings with `id`, `revision` and timestamps alongside.
struct CampaignView: Encodable, Sendable {
    var campaign: Campaign
    init(_ campaign: Campaign) { self.campaign = campaign }

    enum Keys: String, CodingKey { case id, revision, createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        try campaign.settings.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(campaign.id, forKey: .id)
        try container.encode(campaign.revision, forKey: .revision)
        try container.encode(campaign.createdAt, forKey: .createdAt)
        try container.encode(campaign.updatedAt, forKey: .updatedAt)
    }
}

/// An engagement as the API shows it: its settings with ids, revision, status and timestamps.
struct EngagementView: Encodable, Sendable {
    var engagement: Engagement
    init(_ engagement: Engagement) { self.engagement = engagement }

    enum Keys: String, CodingKey { case id, campaignId, revision, status, createdAt, updatedAt }

    func encode(to encoder: any Encoder) throws {
        try engagement.settings.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(engagement.id, forKey: .id)
        try container.encode(engagement.campaignId, forKey: .campaignId)
        try container.encode(engagement.revision, forKey: .revision)
        try container.encode(engagement.status, forKey: .status)
        try container.encode(engagement.createdAt, forKey: .createdAt)
        try container.encode(engagement.updatedAt, forKey: .updatedAt)
    }
}
