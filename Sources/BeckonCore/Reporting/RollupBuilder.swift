package import Foundation

/// Reads one account's journal events in sequence order and produces the counts of SPEC §10 as
/// deltas per local hour, level, campaign and engagement revision (`RollupKey`).
///
/// Every count is of distinct things — visits, engagements per visit, contexts, de-duplicated
/// goals — remembered per visit, so a rollup is exact as long as each event is fed once: the
/// rollup service resumes after the last sequence it stored, and warms this state up by feeding
/// the recent past with `counting` off.
package struct RollupBuilder: Sendable {
    package var settings: RollupSettings {
        didSet {
            if settings.timeZone != oldValue.timeZone { clock = LocalHourClock(identifier: settings.timeZone) }
            goals = settings.goals.sorted { $0.key < $1.key }
        }
    }
    /// The campaigns' goals in campaign order (counting order must not depend on hashing).
    private var goals: [(key: Int64, value: Goal)]
    /// Off while warming up: state is built, nothing is counted.
    package var counting = true
    /// How long a visit's state is kept after its last event: longer than any visit lasts
    /// (30 minutes idle ends it; the brand may report within the 6-hour window).
    package static let visitMemory: TimeInterval = 24 * 3600

    fileprivate struct VisitKey: Hashable, Sendable {
        var account: AccountID
        var visitor: VisitToken
        var session: VisitToken
        var visitorKey: VisitorKey { VisitorKey(account: account, visitor: visitor) }
    }

    fileprivate struct VisitorKey: Hashable, Sendable {
        var account: AccountID
        var visitor: VisitToken
    }

    /// Something counted once per visit at one level.
    fileprivate struct Seen: Hashable, Sendable {
        var metric: String
        var campaignId: Int64
        var engagementId: Int64
        var revision: Int
        var unit: String

        /// 64 bits of FNV-1a over the fields: stable, and with the few entries of one visit a
        /// collision (which would skip a count) has odds around 1 in 10^17.
        var fingerprint: UInt64 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            func mix(_ bytes: some Sequence<UInt8>) {
                for byte in bytes {
                    hash ^= UInt64(byte)
                    hash &*= 0x0000_0100_0000_01b3
                }
            }
            func mix(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { mix($0) } }
            mix(metric.utf8)
            mix([0])
            mix(campaignId)
            mix(engagementId)
            mix(Int64(revision))
            mix(unit.utf8)
            return hash
        }
    }

    /// Small sets (a visit remembers a handful of each): memory per visit is what
    /// `visits.maxVisitors` multiplies (SPEC §16).
    fileprivate struct VisitState: Sendable {
        var lastAt: Date
        var pages = SmallSet<String>()
        /// What was counted once in this visit, by `Seen.fingerprint`.
        var seen = SmallSet<UInt64>()
        /// The campaign and engagement of each context offered in the visit.
        var contexts: [String: (campaignId: Int64, engagement: EngagementRef)] = [:]
        var goalKeys = SmallSet<[String]>()
        var prospects = SmallSet<Int64>()
        var exposed = SmallSet<Int64>()
        var controlGroup = SmallSet<Int64>()
        /// Each campaign's engagement displayed last in the visit (conversions are credited to it).
        var lastDisplayed: [Int64: EngagementRef] = [:]
    }

    /// A display or click, remembered per visitor for cross-session attribution.
    fileprivate struct Touch: Sendable {
        var campaignId: Int64
        var engagement: EngagementRef
        var session: VisitToken
        var at: Date
    }

    fileprivate struct Touches: Sendable {
        var exposures: [Touch] = []
        var clicks: [Touch] = []
        var lastAt: Date
    }

    private struct GoalEvent {
        var kind: Goal.Kind
        var totalMillis: Int64?
        var url: String?
        var total: Double? { totalMillis.map { Double($0) / 1000 } }
    }

    private var clock: LocalHourClock
    /// What is remembered per visit and per visitor, shared by every account's builder so that
    /// one cap (`visits.maxVisitors`) bounds it.
    private let memory: RollupMemory
    private var deltas: [RollupKey: FunnelMetrics] = [:]
    private var facts: [ReportFact] = []
    /// `goal.reached` webhook messages for the goals counted since the last take.
    private var goalMessages: [WebhookMessage] = []
    /// The journal sequence of the event being fed (goal messages' ids come from it).
    private var sequence: Int64 = 0
    private var now = Date.distantPast
    private var hour = LocalHour(start: .distantPast, day: LocalDate(year: 1970, month: 1, day: 1), hour: 0)
    private var lastPrune = Date.distantPast

    package init(settings: RollupSettings, memory: RollupMemory = RollupMemory()) {
        self.settings = settings
        self.memory = memory
        self.clock = LocalHourClock(identifier: settings.timeZone)
        self.goals = settings.goals.sorted { $0.key < $1.key }
    }

    /// The counts produced since the last call, and forgets them.
    package mutating func takeDeltas() -> [RollupKey: FunnelMetrics] {
        defer { deltas = [:] }
        return deltas
    }

    /// The attributes and displays fed since the last call, for custom reports, and forgets them.
    package mutating func takeFacts() -> [ReportFact] {
        defer { facts = [] }
        return facts
    }

    /// The `goal.reached` messages of the goals counted since the last call, and forgets them:
    /// stored with the counts, in the same transaction (SPEC §12).
    package mutating func takeGoalMessages() -> [WebhookMessage] {
        defer { goalMessages = [] }
        return goalMessages
    }

    package mutating func add(_ stored: StoredEvent) {
        guard let entry = VisitJournalEntry(stored.event) else { return }
        sequence = stored.sequence
        if counting, let fact = ReportFact(entry, sequence: stored.sequence) { facts.append(fact) }
        let key = VisitKey(account: entry.accountId, visitor: entry.visitorId, session: entry.sessionId)
        if entry.occurredAt > now { now = entry.occurredAt }
        hour = clock.hour(of: entry.occurredAt)
        if now.timeIntervalSince(lastPrune) > 3600 { prune(account: entry.accountId) }
        // Moved out while it changes (no copy), then put back as the most recent.
        var visit = memory.visits.removeValue(forKey: key) ?? VisitState(lastAt: entry.occurredAt)
        visit.lastAt = entry.occurredAt
        apply(entry.event, visit: &visit, key: key, at: entry.occurredAt)
        memory.visits.set(key, visit)
    }

    /// The visitor whose history must be fed first (with `counting` off) because `stored`
    /// continues a visit this builder does not remember: one dropped past the cap, or older than
    /// the warm-up. Nil for a visit's first page view and for visits remembered.
    package func visitorToRecall(_ stored: StoredEvent) -> VisitToken? {
        // From the entry's columns, without decoding its payload (`add` does that once).
        let event = stored.event
        guard Self.visitKinds.contains(event.kind), let visitor = event.visitorId.flatMap({ VisitToken($0) }),
            let session = event.sessionId.flatMap({ VisitToken($0) })
        else { return nil }
        // A visit's first page view (the payload is the encoder's compact JSON, in which this
        // sequence can only be the field: quotes inside strings are escaped).
        if event.kind == .pageView, event.payload.contains(#""newVisit":true"#) { return nil }
        let key = VisitKey(account: event.accountId, visitor: visitor, session: session)
        return memory.visits.contains(key) ? nil : visitor
    }

    private static let visitKinds: Set<EventKind> = [.pageView, .attribute, .decision, .impression, .click, .validation, .close]

    /// Feeds a visitor's earlier events with counting off: their visits and touches are
    /// remembered again, nothing is counted twice.
    package mutating func recall(_ history: [StoredEvent]) {
        let wasCounting = counting
        counting = false
        for event in history { add(event) }
        counting = wasCounting
    }

    private mutating func apply(_ event: VisitEvent, visit: inout VisitState, key: VisitKey, at: Date) {
        switch event {
        case .pageView(let record):
            if record.newVisit { once("visits", visit: &visit, levels: [(0, nil)]) { $0.visits += 1 } }
            if visit.pages.insert(record.pageId).inserted { count(campaign: nil, engagement: nil) { $0.pageViews += 1 } }
            reach(GoalEvent(kind: .pageURL, url: record.url), visit: &visit, key: key, at: at)
        case .decision(let record):
            for outcome in record.outcomes {
                let campaign = outcome.campaignId
                let engagement = EngagementRef(
                    engagementId: outcome.engagementId, revision: outcome.revision, placement: outcome.placement.rawValue)
                visit.prospects.insert(campaign)
                once("prospects", visit: &visit, campaign: campaign, engagement: engagement) { $0.prospects += 1 }
                switch outcome.outcome {
                case .shown:
                    if let contextId = outcome.contextId { visit.contexts[contextId] = (campaign, engagement) }
                    continue
                case .controlGroup:
                    visit.controlGroup.insert(campaign)
                    once("controlGroup", visit: &visit, campaign: campaign, engagement: engagement) { $0.controlGroupVisits += 1 }
                default: break
                }
                let reason = outcome.outcome.rawValue
                once("notShown", unit: reason, visit: &visit, campaign: campaign, engagement: engagement) {
                    $0.notShown[reason, default: 0] += 1
                }
            }
        case .impression(let record):
            let campaign = record.campaignId
            let engagement =
                visit.contexts[record.contextId].map(\.engagement)
                ?? EngagementRef(engagementId: record.engagementId, revision: record.revision, placement: "")
            switch record.type {
            case .impDisplay:
                visit.exposed.insert(campaign)
                visit.lastDisplayed[campaign] = engagement
                once("exposed", visit: &visit, campaign: campaign, engagement: engagement) { $0.exposed += 1 }
                once(
                    "exposures", unit: String(engagement.engagementId), visit: &visit, campaign: campaign,
                    engagement: engagement
                ) { $0.exposures += 1 }
                count(campaign: campaign, engagement: engagement) { $0.engagementViews += 1 }
                touch(\.exposures, Touch(campaignId: campaign, engagement: engagement, session: key.session, at: at), key.visitorKey)
            case .impAccept:
                once("clicks", unit: record.contextId, visit: &visit, campaign: campaign, engagement: engagement) { $0.clicks += 1 }
                once("engaged", visit: &visit, campaign: campaign, engagement: engagement) { $0.engaged += 1 }
                touch(\.clicks, Touch(campaignId: campaign, engagement: engagement, session: key.session, at: at), key.visitorKey)
            case .impClose, .impTimeout, .impExpanded: break
            }
        case .attribute(let record) where ["purchase", "lead", "service"].contains(record.attribute.type):
            if let goal = goalEvent(record.attribute, visit: &visit) { reach(goal, visit: &visit, key: key, at: at) }
        case .attribute(let record) where record.attribute.type == "convStatus":
            guard let contextId = record.attribute.fields["contextId"]?.string,
                let status = record.attribute.fields["status"]?.string.flatMap(CallStatus.init(rawValue:)),
                let context = visit.contexts[contextId]
            else { return }
            let (campaign, engagement) = context
            once("callsRequested", unit: contextId, visit: &visit, campaign: campaign, engagement: engagement) {
                $0.callsRequested += 1
            }
            if [.connected, .onHold, .completed].contains(status) {
                once("callsConnected", unit: contextId, visit: &visit, campaign: campaign, engagement: engagement) {
                    $0.callsConnected += 1
                }
            }
            if status == .completed {
                once("callsCompleted", unit: contextId, visit: &visit, campaign: campaign, engagement: engagement) {
                    $0.callsCompleted += 1
                }
            }
        default: break
        }
    }

    /// The goal an attribute reaches, unless its id was already counted in the visit: purchases
    /// by `orderId`, leads by `leadId`, completed service activities (status 0) by
    /// (`serviceId`, `topic`, `status`).
    private func goalEvent(_ attribute: EngagementAttribute, visit: inout VisitState) -> GoalEvent? {
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
        if let key, !visit.goalKeys.insert(key).inserted { return nil }
        return GoalEvent(kind: kind, totalMillis: fields["total"]?.number.map { Int64(($0 * 1000).rounded()) })
    }

    private func meets(_ goal: GoalEvent, _ campaignGoal: Goal) -> Bool {
        guard campaignGoal.type == goal.kind else { return false }
        if goal.kind == .purchase, let minimum = campaignGoal.minTotal, (goal.total ?? 0) < minimum { return false }
        return true
    }

    /// Counts `goal` for every campaign whose goal it meets: reached when the campaign targeted
    /// the visit, a conversion when its engagement was already displayed in it (credited to the
    /// engagement displayed last), a control-group conversion when the visitor is in its control
    /// group; and once, for the campaign of the first or last earlier touch, as a cross-session
    /// conversion.
    private mutating func reach(_ goal: GoalEvent, visit: inout VisitState, key: VisitKey, at: Date) {
        if goal.kind != .pageURL, let touches = memory.visitors.peek(key.visitorKey) {
            if let touch = attributed(goal, touches: touches.exposures, session: key.session) {
                count(campaign: touch.campaignId, engagement: touch.engagement) { $0.crossSessionConversions += 1 }
            }
            if let touch = attributed(goal, touches: touches.clicks, session: key.session) {
                count(campaign: touch.campaignId, engagement: touch.engagement) {
                    $0.crossSessionConversionsAfterEngagement += 1
                }
            }
        }
        for (campaignId, campaignGoal) in goals where meets(goal, campaignGoal) {
            if goal.kind == .pageURL {
                guard let fragment = campaignGoal.urlContains, let url = goal.url,
                    url.range(of: fragment, options: .caseInsensitive) != nil,
                    visit.goalKeys.insert(["page", String(campaignId)]).inserted
                else { continue }
            }
            guard visit.prospects.contains(campaignId) else { continue }
            count(campaign: campaignId, engagement: nil) { $0.goalsReached += 1 }
            if counting {
                goalMessages.append(
                    .goalReached(
                        accountId: key.account, sequence: sequence, visitorId: key.visitor, sessionId: key.session, at: at,
                        campaignId: campaignId, goal: goal.kind.rawValue, total: goal.total,
                        engagementId: visit.exposed.contains(campaignId) ? visit.lastDisplayed[campaignId]?.engagementId : nil,
                        converted: visit.exposed.contains(campaignId)))
            }
            if visit.exposed.contains(campaignId) {
                let revenue = goal.kind == .purchase ? goal.totalMillis ?? 0 : 0
                count(campaign: campaignId, engagement: visit.lastDisplayed[campaignId]) {
                    $0.conversions += 1
                    $0.revenueMillis += revenue
                }
            }
            if visit.controlGroup.contains(campaignId) {
                count(campaign: campaignId, engagement: nil) { $0.controlGroupConversions += 1 }
            }
        }
    }

    /// The touch a goal in a later visit is attributed to: among the visitor's touches in other
    /// visits within the window, of campaigns whose goal it meets, the first or the last.
    private func attributed(_ goal: GoalEvent, touches: [Touch], session: VisitToken) -> Touch? {
        guard settings.crossSessionDays > 0 else { return nil }
        let window = TimeInterval(settings.crossSessionDays) * 86_400
        let eligible = touches.lazy.filter { touch in
            guard touch.session != session, self.now.timeIntervalSince(touch.at) <= window,
                let campaignGoal = self.settings.goals[touch.campaignId]
            else { return false }
            return self.meets(goal, campaignGoal)
        }
        return settings.attribution == .first ? eligible.first : eligible.reversed().first
    }

    private mutating func touch(_ list: WritableKeyPath<Touches, [Touch]>, _ touch: Touch, _ visitor: VisitorKey) {
        guard settings.crossSessionDays > 0 else { return }
        let window = TimeInterval(settings.crossSessionDays) * 86_400
        do {
            memory.visitors.update(visitor) { touches in
                var updated = touches ?? Touches(lastAt: touch.at)
                updated[keyPath: list].removeAll { touch.at.timeIntervalSince($0.at) > window }
                updated[keyPath: list].append(touch)
                updated.lastAt = touch.at
                touches = updated
            }
        }
    }

    /// Forgets the account's visits idle for longer than any visit lasts and its touches older
    /// than the window.
    private mutating func prune(account: AccountID) {
        lastPrune = now
        let now = self.now
        let window = TimeInterval(settings.crossSessionDays) * 86_400
        memory.visits.retain { key, visit in key.account != account || now.timeIntervalSince(visit.lastAt) <= Self.visitMemory }
        memory.visitors.retain { key, touches in key.account != account || now.timeIntervalSince(touches.lastAt) <= window }
    }

    // MARK: Counting

    /// The levels a count of `campaign`/`engagement` goes to: the account, the campaign, the engagement.
    private func levels(_ campaign: Int64?, _ engagement: EngagementRef?) -> [(Int64, EngagementRef?)] {
        guard let campaign else { return [(0, nil)] }
        var levels: [(Int64, EngagementRef?)] = [(0, nil), (campaign, nil)]
        if let engagement { levels.append((campaign, engagement)) }
        return levels
    }

    private mutating func count(campaign: Int64?, engagement: EngagementRef?, _ bump: (inout FunnelMetrics) -> Void) {
        guard counting else { return }
        for (campaignId, engagement) in levels(campaign, engagement) { add(campaignId, engagement, bump) }
    }

    /// Counts at each level where this visit has not been counted yet for `metric` and `unit`.
    private mutating func once(
        _ metric: String, unit: String = "", visit: inout VisitState, campaign: Int64, engagement: EngagementRef?,
        _ bump: (inout FunnelMetrics) -> Void
    ) {
        once(metric, unit: unit, visit: &visit, levels: levels(campaign, engagement), bump)
    }

    private mutating func once(
        _ metric: String, unit: String = "", visit: inout VisitState, levels: [(Int64, EngagementRef?)],
        _ bump: (inout FunnelMetrics) -> Void
    ) {
        for (campaignId, engagement) in levels {
            let seen = Seen(
                metric: metric, campaignId: campaignId, engagementId: engagement?.engagementId ?? 0,
                revision: engagement?.revision ?? 0, unit: unit)
            if visit.seen.insert(seen.fingerprint).inserted, counting { add(campaignId, engagement, bump) }
        }
    }

    private mutating func add(_ campaignId: Int64, _ engagement: EngagementRef?, _ bump: (inout FunnelMetrics) -> Void) {
        let level: RollupLevel = campaignId == 0 ? .account : engagement == nil ? .campaign : .engagement
        let key = RollupKey(hour: hour, level: level, campaignId: campaignId, engagement: engagement)
        bump(&deltas[key, default: FunnelMetrics()])
    }
}

/// The reporting side's memory of recent visits and visitors (SPEC §13a): at most `capacity` of
/// each, over all accounts, the least recently used dropped first (recalled from the journal if
/// it comes back). The rollup service shares one between its accounts' builders and only uses
/// them from its actor, one at a time: that is what makes the unchecked `Sendable` sound.
package final class RollupMemory: @unchecked Sendable {
    fileprivate var visits: LRUMap<RollupBuilder.VisitKey, RollupBuilder.VisitState>
    fileprivate var visitors: LRUMap<RollupBuilder.VisitorKey, RollupBuilder.Touches>

    package init(capacity: Int = 2_000_000) {
        visits = LRUMap(capacity: capacity)
        visitors = LRUMap(capacity: capacity)
    }

    /// Forgets everything (the rollup service starts over from storage).
    package func removeAll() {
        visits.removeAll()
        visitors.removeAll()
    }
}
