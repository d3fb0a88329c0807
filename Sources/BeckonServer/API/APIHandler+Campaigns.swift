import BeckonAPI
import BeckonCore
import Foundation
import OpenAPIRuntime

/// Campaigns and engagements of the management API (SPEC §8a). Reads need any valid key;
/// changes need `campaigns:write` (or `admin`). Deleting archives: reports keep everything.
/// PATCH is a JSON Merge Patch (`MergePatch`) over the current representation.
extension APIHandler {
    func listCampaigns(_ input: Operations.ListCampaigns.Input) async throws -> Operations.ListCampaigns.Output {
        let principal = try OperationContext.requireAuthenticated()
        let page = try Page(cursor: input.query.cursor, limit: input.query.limit)
        let items = try await storage.campaigns.campaigns(
            accountId: principal.accountId, status: input.query.status.map(Campaign.Status.init), afterId: page.after,
            limit: page.limit)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: try items.map(Components.Schemas.Campaign.init),
                        nextCursor: page.next(items.last?.id, count: items.count)))))
    }

    func createCampaign(_ input: Operations.CreateCampaign.Input) async throws -> Operations.CreateCampaign.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        // A new campaign is a draft with priority 0 and no control group unless told otherwise.
        let defaults: [String: Any] = ["status": "draft", "priority": 0, "controlGroupPercent": 0]
        let body = try OperationContext.jsonObject().merging(defaults) { given, _ in given }
        let settings = try Representation.decode(CampaignSettings.self, from: body)
        try settings.validate()
        let campaign = try await storage.campaigns.createCampaign(
            accountId: principal.accountId, settings: settings, at: clock.now())
        return .created(.init(body: .json(try .init(campaign))))
    }

    func getCampaign(_ input: Operations.GetCampaign.Input) async throws -> Operations.GetCampaign.Output {
        let principal = try OperationContext.requireAuthenticated()
        return .ok(.init(body: .json(try .init(try await campaign(input.path.campaignId, principal)))))
    }

    func updateCampaign(_ input: Operations.UpdateCampaign.Input) async throws -> Operations.UpdateCampaign.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        let current = try await campaign(input.path.campaignId, principal)
        let settings = try patched(current.settings, checkedAs: Components.Schemas.CampaignSettings.self)
        try settings.validate()
        let updated = try await storage.campaigns.updateCampaign(
            accountId: principal.accountId, id: current.id, settings: settings, at: clock.now())
        return .ok(.init(body: .json(try .init(updated))))
    }

    func archiveCampaign(_ input: Operations.ArchiveCampaign.Input) async throws -> Operations.ArchiveCampaign.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        let current = try await campaign(input.path.campaignId, principal)
        var settings = current.settings
        settings.status = .archived
        let archived = try await storage.campaigns.updateCampaign(
            accountId: principal.accountId, id: current.id, settings: settings, at: clock.now())
        return .ok(.init(body: .json(try .init(archived))))
    }

    func listEngagements(_ input: Operations.ListEngagements.Input) async throws -> Operations.ListEngagements.Output {
        let principal = try OperationContext.requireAuthenticated()
        let campaign = try await campaign(input.path.campaignId, principal)
        let page = try Page(cursor: input.query.cursor, limit: input.query.limit)
        let items = page.window(try await storage.campaigns.engagements(accountId: principal.accountId, campaignId: campaign.id))
        return .ok(
            .init(body: .json(.init(items: try items.items.map(Components.Schemas.Engagement.init), nextCursor: items.nextCursor))))
    }

    func createEngagement(_ input: Operations.CreateEngagement.Input) async throws -> Operations.CreateEngagement.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        let campaign = try await campaign(input.path.campaignId, principal)
        let settings = try Representation.decode(EngagementSettings.self, from: try OperationContext.jsonObject())
        try settings.validate()
        let engagement = try await storage.campaigns.createEngagement(
            accountId: principal.accountId, campaignId: campaign.id, settings: settings, at: clock.now())
        return .created(.init(body: .json(try .init(engagement))))
    }

    func getEngagement(_ input: Operations.GetEngagement.Input) async throws -> Operations.GetEngagement.Output {
        let principal = try OperationContext.requireAuthenticated()
        return .ok(.init(body: .json(try .init(try await engagement(input.path.engagementId, principal)))))
    }

    func updateEngagement(_ input: Operations.UpdateEngagement.Input) async throws -> Operations.UpdateEngagement.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        let current = try await engagement(input.path.engagementId, principal)
        let settings = try patched(current.settings, checkedAs: Components.Schemas.EngagementInput.self)
        try settings.validate()
        let updated = try await storage.campaigns.updateEngagement(
            accountId: principal.accountId, id: current.id, settings: settings, at: clock.now())
        return .ok(.init(body: .json(try .init(updated))))
    }

    func archiveEngagement(_ input: Operations.ArchiveEngagement.Input) async throws -> Operations.ArchiveEngagement.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        let current = try await engagement(input.path.engagementId, principal)
        let archived = try await storage.campaigns.archiveEngagement(accountId: principal.accountId, id: current.id, at: clock.now())
        return .ok(.init(body: .json(try .init(archived))))
    }

    func duplicateEngagement(_ input: Operations.DuplicateEngagement.Input) async throws -> Operations.DuplicateEngagement.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        let original = try await engagement(input.path.engagementId, principal)
        var settings = original.settings
        settings.name = String((settings.name + " (copy)").prefix(200))
        let copy = try await storage.campaigns.createEngagement(
            accountId: principal.accountId, campaignId: original.campaignId, settings: settings, at: clock.now())
        return .created(.init(body: .json(try .init(copy))))
    }

    /// `current` with the request's merge patch applied, checked against the document's full
    /// representation (`Schema`) and decoded by Core.
    private func patched<Settings: Codable, Schema: Decodable>(
        _ current: Settings, checkedAs schema: Schema.Type
    ) throws
        -> Settings
    {
        let merged = MergePatch.apply(try OperationContext.jsonObject(), to: try Representation.object(current))
        _ = try Representation.decode(Schema.self, from: merged)
        return try Representation.decode(Settings.self, from: merged)
    }

    private func campaign(_ id: Int64, _ principal: Principal) async throws -> Campaign {
        guard let campaign = try await storage.campaigns.campaign(accountId: principal.accountId, id: id) else {
            throw BeckonError.notFound("campaign \(id)")
        }
        return campaign
    }

    private func engagement(_ id: Int64, _ principal: Principal) async throws -> Engagement {
        guard let engagement = try await storage.campaigns.engagement(accountId: principal.accountId, id: id) else {
            throw BeckonError.notFound("engagement \(id)")
        }
        return engagement
    }
}

extension Components.Schemas.Campaign {
    init(_ campaign: Campaign) throws {
        let settings = campaign.settings
        self.init(
            id: campaign.id, revision: campaign.revision, name: settings.name,
            status: try Representation.convert(settings.status, to: Components.Schemas.CampaignStatus.self),
            priority: settings.priority, goal: try Representation.convert(settings.goal, to: Components.Schemas.Goal.self),
            audience: try Representation.convert(settings.audience, to: Components.Schemas.Audience.self),
            timeFrame: try Representation.convert(settings.timeFrame, to: Components.Schemas.TimeFrame.self),
            controlGroupPercent: settings.controlGroupPercent, capPerVisit: settings.capPerVisit,
            createdAt: campaign.createdAt, updatedAt: campaign.updatedAt)
    }
}

extension Components.Schemas.Engagement {
    init(_ engagement: Engagement) throws {
        let settings = engagement.settings
        self.init(
            id: engagement.id, campaignId: engagement.campaignId, revision: engagement.revision,
            status: engagement.status == .active ? .active : .archived, name: settings.name,
            _type: try Representation.convert(settings.type, to: Components.Schemas.EngagementType.self),
            proactive: settings.proactive,
            entryPoint: try Representation.convert(settings.entryPoint, to: Components.Schemas.EntryPoint.self),
            behaviour: try Representation.convert(settings.behaviour, to: Components.Schemas.Behaviour.self),
            placement: try Representation.convert(settings.placement, to: Components.Schemas.Placement.self),
            target: settings.target,
            openMode: try Representation.convert(settings.openMode, to: Components.Schemas.OpenMode.self),
            timeoutSeconds: settings.timeoutSeconds, language: settings.language,
            creative: .init(html: settings.creative.html, css: settings.creative.css),
            clickToCall: settings.clickToCall.map {
                .init(brandPageUrl: $0.brandPageUrl, validitySeconds: $0.validitySeconds, maxValidations: .init($0.maxValidations))
            },
            createdAt: engagement.createdAt, updatedAt: engagement.updatedAt)
    }
}

extension Campaign.Status {
    init(_ status: Components.Schemas.CampaignStatus) {
        self =
            switch status {
            case .draft: .draft
            case .live: .live
            case .paused: .paused
            case .archived: .archived
            }
    }
}
