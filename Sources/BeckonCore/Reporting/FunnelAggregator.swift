import Foundation

/// The funnel metrics of SPEC §10, for the account or one campaign. Cross-session conversions
/// and lift build on these.
public struct FunnelMetrics: Codable, Sendable, Equatable {
    public var visits = 0
    public var pageViews = 0
    /// Visits in which the campaign targeted the visitor (control group included).
    public var prospects = 0
    /// Visits in which ≥ 1 engagement of the campaign was displayed.
    public var exposed = 0
    /// Displays, once per engagement per visit.
    public var exposures = 0
    /// Displays, raw.
    public var engagementViews = 0
    /// `impAccept`s, once per context.
    public var clicks = 0
    /// Visits with ≥ 1 click.
    public var engaged = 0
    public var callsRequested = 0
    public var callsConnected = 0
    public var callsCompleted = 0
    public var controlGroupVisits = 0
    /// Goals of the campaign's type reached in visits the campaign targeted.
    public var goalsReached = 0
    /// Goals reached in a visit after the campaign's engagement was displayed in it.
    public var conversions = 0
    /// `purchase.total` of the converting purchases.
    public var revenue = 0.0
    /// Goals reached in visits of the campaign's control group (for lift).
    public var controlGroupConversions = 0
    /// Goals reached in a later visit within the account's window after an exposure / a click
    /// of the campaign, each attributed to one campaign (the first or the last, per settings).
    public var crossSessionConversions = 0
    public var crossSessionConversionsAfterEngagement = 0
    /// Visits in which a targeted engagement was not shown, by the reason (`DecisionOutcome`).
    public var notShown: [String: Int] = [:]

    public init() {}
}

/// Reads journal events in sequence order and answers `FunnelMetrics`. Every count is of
/// distinct things (visits, engagements per visit, contexts), so feeding the same event twice
/// changes nothing but the raw `engagementViews` — which is why rollups must never replay an
/// event twice (they resume after the last sequence they saw).
public struct FunnelAggregator: Sendable {
    private struct VisitKey: Hashable, Sendable {
        var visitor: String
        var session: String
    }

    private struct Context: Hashable, Sendable {
        var visit: VisitKey
        var contextId: String
    }

    private struct CampaignSets: Sendable {
        var prospects = Set<VisitKey>()
        var exposed = Set<VisitKey>()
        var exposures = Set<[String]>()
        var engagementViews = 0
        var clicks = Set<Context>()
        var engaged = Set<VisitKey>()
        var callsRequested = Set<Context>()
        var callsConnected = Set<Context>()
        var callsCompleted = Set<Context>()
        var controlGroup = Set<VisitKey>()
        var notShown: [String: Set<VisitKey>] = [:]
        var goalsReached = 0
        var conversions = 0
        var revenue = 0.0
        var controlGroupConversions = 0
        var crossSessionConversions = 0
        var crossSessionConversionsAfterEngagement = 0
    }

    /// A display or click of a campaign, remembered per visitor for cross-session attribution.
    private struct Touch {
        var campaignId: Int64
        var session: String
        var at: Date
    }

    /// A goal event after de-duplication in its visit.
    private struct GoalEvent {
        var kind: Goal.Kind
        var total: Double?
        var url: String?
    }

    private var visits = Set<VisitKey>()
    private var pageViews = Set<[String]>()
    private var campaigns: [Int64: CampaignSets] = [:]
    /// Which campaign each offered context belongs to.
    private var contextCampaign: [Context: Int64] = [:]
    private let goals: [Int64: Goal]
    private let crossSessionWindow: TimeInterval
    private let attribution: AccountSettings.Attribution
    private var exposures: [String: [Touch]] = [:]
    private var clicks: [String: [Touch]] = [:]
    private var now = Date.distantPast
    /// Order, lead and service ids already counted in a visit (SPEC §6 de-duplication).
    private var goalKeys = Set<[String]>()

    /// `goals`: each campaign's goal (campaigns without one have no conversions).
    /// `crossSessionDays` and `attribution` are the account's settings.
    public init(goals: [Int64: Goal] = [:], crossSessionDays: Int = 7, attribution: AccountSettings.Attribution = .last) {
        self.goals = goals
        self.crossSessionWindow = TimeInterval(crossSessionDays) * 86_400
        self.attribution = attribution
    }

    public mutating func add(_ stored: StoredEvent) {
        guard let entry = VisitJournalEntry(stored.event) else { return }
        let visit = VisitKey(visitor: entry.visitorId.description, session: entry.sessionId.description)
        now = entry.occurredAt
        switch entry.event {
        case .pageView(let record):
            if record.newVisit { visits.insert(visit) }
            pageViews.insert([visit.visitor, visit.session, record.pageId])
            reach(GoalEvent(kind: .pageURL, url: record.url), in: visit)
        case .decision(let record):
            for outcome in record.outcomes {
                var sets = campaigns[outcome.campaignId] ?? CampaignSets()
                sets.prospects.insert(visit)
                switch outcome.outcome {
                case .shown:
                    if let contextId = outcome.contextId {
                        contextCampaign[Context(visit: visit, contextId: contextId)] = outcome.campaignId
                    }
                case .controlGroup:
                    sets.controlGroup.insert(visit)
                    sets.notShown[outcome.outcome.rawValue, default: []].insert(visit)
                default:
                    sets.notShown[outcome.outcome.rawValue, default: []].insert(visit)
                }
                campaigns[outcome.campaignId] = sets
            }
        case .impression(let record):
            var sets = campaigns[record.campaignId] ?? CampaignSets()
            let context = Context(visit: visit, contextId: record.contextId)
            switch record.type {
            case .impDisplay:
                sets.exposed.insert(visit)
                sets.exposures.insert([visit.visitor, visit.session, String(record.engagementId)])
                sets.engagementViews += 1
                exposures[visit.visitor, default: []].append(Touch(campaignId: record.campaignId, session: visit.session, at: now))
            case .impAccept:
                sets.clicks.insert(context)
                sets.engaged.insert(visit)
                clicks[visit.visitor, default: []].append(Touch(campaignId: record.campaignId, session: visit.session, at: now))
            case .impClose, .impTimeout, .impExpanded: break
            }
            campaigns[record.campaignId] = sets
        case .attribute(let record) where ["purchase", "lead", "service"].contains(record.attribute.type):
            if let goal = goalEvent(record.attribute, in: visit) { reach(goal, in: visit) }
        case .attribute(let record) where record.attribute.type == "convStatus":
            guard let contextId = record.attribute.fields["contextId"]?.string,
                let status = record.attribute.fields["status"]?.string.flatMap(CallStatus.init(rawValue:))
            else { return }
            let context = Context(visit: visit, contextId: contextId)
            guard let campaign = contextCampaign[context] else { return }
            campaigns[campaign, default: CampaignSets()].callsRequested.insert(context)
            if [.connected, .onHold, .completed].contains(status) { campaigns[campaign]!.callsConnected.insert(context) }
            if status == .completed { campaigns[campaign]!.callsCompleted.insert(context) }
        default: break
        }
    }

    /// The goal an attribute reaches, unless its id was already counted in the visit: purchases
    /// by `orderId`, leads by `leadId`, completed service activities (status 0) by
    /// (`serviceId`, `topic`, `status`).
    private mutating func goalEvent(_ attribute: EngagementAttribute, in visit: VisitKey) -> GoalEvent? {
        let fields = JSONValue.object(attribute.fields)
        func text(_ value: JSONValue?) -> String? { value?.string ?? value?.number.map { String($0) } }
        let kind: Goal.Kind
        var key: [String]?
        switch attribute.type {
        case "purchase":
            kind = .purchase
            key = text(fields["orderId"]).map { ["order", $0] }
        case "lead":
            kind = .lead
            key = text(fields["lead"]?["leadId"]).map { ["lead", $0] }
        default:
            guard fields["service"]?["status"]?.number == 0 else { return nil }
            kind = .serviceActivity
            let service = fields["service"]
            key = ["service", text(service?["serviceId"]) ?? "", text(service?["topic"]) ?? "", "0"]
        }
        if let key, !goalKeys.insert([visit.visitor, visit.session] + key).inserted { return nil }
        return GoalEvent(kind: kind, total: fields["total"]?.number)
    }

    /// Counts `goal` for every campaign whose goal it meets: reached when the campaign targeted
    /// the visit, a conversion when its engagement was already displayed in it, a control-group
    /// conversion when the visitor is in its control group.
    private mutating func reach(_ goal: GoalEvent, in visit: VisitKey) {
        if goal.kind != .pageURL {
            if let campaign = attributed(goal, touches: exposures[visit.visitor] ?? [], visit: visit) {
                campaigns[campaign]?.crossSessionConversions += 1
            }
            if let campaign = attributed(goal, touches: clicks[visit.visitor] ?? [], visit: visit) {
                campaigns[campaign]?.crossSessionConversionsAfterEngagement += 1
            }
        }
        for (campaignId, campaignGoal) in goals where campaignGoal.type == goal.kind {
            if goal.kind == .purchase, let minimum = campaignGoal.minTotal, (goal.total ?? 0) < minimum { continue }
            if goal.kind == .pageURL {
                guard let fragment = campaignGoal.urlContains, let url = goal.url,
                    url.range(of: fragment, options: .caseInsensitive) != nil,
                    goalKeys.insert([visit.visitor, visit.session, "page", String(campaignId)]).inserted
                else { continue }
            }
            guard var sets = campaigns[campaignId], sets.prospects.contains(visit) else { continue }
            sets.goalsReached += 1
            if sets.exposed.contains(visit) {
                sets.conversions += 1
                sets.revenue += goal.kind == .purchase ? goal.total ?? 0 : 0
            }
            if sets.controlGroup.contains(visit) { sets.controlGroupConversions += 1 }
            campaigns[campaignId] = sets
        }
    }

    /// The campaign a goal in a later visit is attributed to: among the visitor's touches in other
    /// visits within the window, of campaigns whose goal it meets, the first or the last.
    private func attributed(_ goal: GoalEvent, touches: [Touch], visit: VisitKey) -> Int64? {
        guard crossSessionWindow > 0 else { return nil }
        let eligible = touches.filter { touch in
            guard touch.session != visit.session, now.timeIntervalSince(touch.at) <= crossSessionWindow,
                let campaignGoal = goals[touch.campaignId], campaignGoal.type == goal.kind
            else { return false }
            if goal.kind == .purchase, let minimum = campaignGoal.minTotal, (goal.total ?? 0) < minimum { return false }
            return true
        }
        return (attribution == .first ? eligible.first : eligible.last)?.campaignId
    }

    /// One campaign's metrics, or the account's when `campaignId` is nil (distinct visits across
    /// campaigns, sums of per-engagement counts).
    public func metrics(campaignId: Int64? = nil) -> FunnelMetrics {
        var metrics = FunnelMetrics()
        metrics.visits = visits.count
        metrics.pageViews = pageViews.count
        let chosen = campaignId.map { id in campaigns[id].map { [$0] } ?? [] } ?? Array(campaigns.values)
        func union<T>(_ path: (CampaignSets) -> Set<T>) -> Int { chosen.reduce(into: Set<T>()) { $0.formUnion(path($1)) }.count }
        metrics.prospects = union(\.prospects)
        metrics.exposed = union(\.exposed)
        metrics.exposures = union(\.exposures)
        metrics.engagementViews = chosen.reduce(0) { $0 + $1.engagementViews }
        metrics.clicks = union(\.clicks)
        metrics.engaged = union(\.engaged)
        metrics.callsRequested = union(\.callsRequested)
        metrics.callsConnected = union(\.callsConnected)
        metrics.callsCompleted = union(\.callsCompleted)
        metrics.controlGroupVisits = union(\.controlGroup)
        metrics.goalsReached = chosen.reduce(0) { $0 + $1.goalsReached }
        metrics.conversions = chosen.reduce(0) { $0 + $1.conversions }
        metrics.revenue = chosen.reduce(0) { $0 + $1.revenue }
        metrics.controlGroupConversions = chosen.reduce(0) { $0 + $1.controlGroupConversions }
        metrics.crossSessionConversions = chosen.reduce(0) { $0 + $1.crossSessionConversions }
        metrics.crossSessionConversionsAfterEngagement = chosen.reduce(0) { $0 + $1.crossSessionConversionsAfterEngagement }
        var reasons = Set<String>()
        for sets in chosen { reasons.formUnion(sets.notShown.keys) }
        for reason in reasons {
            metrics.notShown[reason] = chosen.reduce(into: Set<VisitKey>()) { $0.formUnion($1.notShown[reason] ?? []) }.count
        }
        return metrics
    }
}
