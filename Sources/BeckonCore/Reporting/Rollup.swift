package import Foundation

/// The metrics of SPEC §10 for one rollup row (or a sum of rows). Visit counts (`prospects`,
/// `exposed`, `engaged`, …) are counted in the hour of their first occurrence in the visit at the
/// row's level, so summing hours gives distinct visits over any range.
package struct FunnelMetrics: Sendable, Equatable {
    package var visits = 0
    package var pageViews = 0
    /// Visits in which the campaign targeted the visitor (control group included).
    package var prospects = 0
    /// Visits in which ≥ 1 engagement of the campaign was displayed.
    package var exposed = 0
    /// Displays, once per engagement per visit.
    package var exposures = 0
    /// Displays, raw.
    package var engagementViews = 0
    /// `impAccept`s, once per context.
    package var clicks = 0
    /// Visits with ≥ 1 click.
    package var engaged = 0
    package var callsRequested = 0
    package var callsConnected = 0
    package var callsCompleted = 0
    package var controlGroupVisits = 0
    /// Goals of the campaign's type reached in visits the campaign targeted.
    package var goalsReached = 0
    /// Goals reached in a visit after the campaign's engagement was displayed in it.
    package var conversions = 0
    /// `purchase.total` of the converting purchases, in thousandths (sums stay exact and the
    /// same on every backend).
    package var revenueMillis: Int64 = 0
    /// Goals reached in visits of the campaign's control group (for lift).
    package var controlGroupConversions = 0
    /// Goals reached in a later visit within the account's window after an exposure / a click
    /// of the campaign, each attributed to one campaign (the first or the last, per settings).
    package var crossSessionConversions = 0
    package var crossSessionConversionsAfterEngagement = 0
    /// Visits in which a targeted engagement was not shown, by the reason (`DecisionOutcome`).
    package var notShown: [String: Int] = [:]

    package init() {}

    package var revenue: Double {
        get { Double(revenueMillis) / 1000 }
        set { revenueMillis = Int64((newValue * 1000).rounded()) }
    }

    /// Conversion rate of exposed visits against the control group's, as a relative change
    /// (0.25 = 25 % better); nil without control-group visits or conversions to compare with.
    package var lift: Double? {
        guard exposed > 0, controlGroupVisits > 0, controlGroupConversions > 0 else { return nil }
        let exposedRate = Double(conversions) / Double(exposed)
        let controlRate = Double(controlGroupConversions) / Double(controlGroupVisits)
        return exposedRate / controlRate - 1
    }

    /// The counters by name, in the order reports print them (`notShown` apart).
    nonisolated(unsafe) package static let counters: [(name: String, path: WritableKeyPath<FunnelMetrics, Int>)] = [
        ("visits", \.visits), ("pageViews", \.pageViews), ("prospects", \.prospects), ("exposed", \.exposed),
        ("exposures", \.exposures), ("engagementViews", \.engagementViews), ("clicks", \.clicks), ("engaged", \.engaged),
        ("callsRequested", \.callsRequested), ("callsConnected", \.callsConnected), ("callsCompleted", \.callsCompleted),
        ("goalsReached", \.goalsReached), ("conversions", \.conversions),
        ("crossSessionConversions", \.crossSessionConversions),
        ("crossSessionConversionsAfterEngagement", \.crossSessionConversionsAfterEngagement),
        ("controlGroupVisits", \.controlGroupVisits), ("controlGroupConversions", \.controlGroupConversions),
    ]

    package static func += (lhs: inout FunnelMetrics, rhs: FunnelMetrics) {
        for counter in counters { lhs[keyPath: counter.path] += rhs[keyPath: counter.path] }
        lhs.revenueMillis += rhs.revenueMillis
        lhs.notShown.merge(rhs.notShown, uniquingKeysWith: +)
    }

    package var isZero: Bool { self == FunnelMetrics() }
}

/// How detailed a rollup row is. Each level counts its own distinct visits: a visit exposed to
/// two engagements of a campaign is one exposed visit of the campaign and one of each engagement.
package enum RollupLevel: Int, Sendable, Hashable, CaseIterable {
    /// The account: `campaignId` and `engagementId` are 0.
    case account = 0
    /// One campaign: `engagementId` is 0.
    case campaign = 1
    /// One engagement revision with its placement.
    case engagement = 2
}

/// The engagement revision a count belongs to.
package struct EngagementRef: Hashable, Sendable {
    package var engagementId: Int64
    package var revision: Int
    package var placement: String

    package init(engagementId: Int64, revision: Int, placement: String) {
        self.engagementId = engagementId
        self.revision = revision
        self.placement = placement
    }
}

/// One hour of the account's local time.
package struct LocalHour: Hashable, Sendable, Comparable {
    /// The instant the local hour began.
    package var start: Date
    package var day: LocalDate
    /// 0–23, local.
    package var hour: Int

    package init(start: Date, day: LocalDate, hour: Int) {
        self.start = start
        self.day = day
        self.hour = hour
    }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.start < rhs.start }
}

/// Where a count belongs: a local hour, a level, and the campaign/engagement of that level.
package struct RollupKey: Hashable, Sendable {
    package var hour: LocalHour
    package var level: RollupLevel
    package var campaignId: Int64
    package var engagement: EngagementRef

    package init(hour: LocalHour, level: RollupLevel, campaignId: Int64 = 0, engagement: EngagementRef? = nil) {
        self.hour = hour
        self.level = level
        self.campaignId = level == .account ? 0 : campaignId
        self.engagement =
            level == .engagement
            ? engagement ?? EngagementRef(engagementId: 0, revision: 0, placement: "")
            : EngagementRef(engagementId: 0, revision: 0, placement: "")
    }
}

/// Turns instants into the account's local hours and days, caching the zone's offset per
/// quarter hour (offsets change at most on quarter hours).
package struct LocalHourClock: Sendable {
    package let zone: TimeZone
    private var cache: [Int64: Int] = [:]

    package init(zone: TimeZone) { self.zone = zone }

    package init(identifier: String) {
        self.init(zone: TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!)
    }

    package mutating func hour(of instant: Date) -> LocalHour {
        let seconds = Int64(instant.timeIntervalSince1970.rounded(.down))
        let quarter = seconds >= 0 ? seconds / 900 : (seconds - 899) / 900
        let offset: Int
        if let known = cache[quarter] {
            offset = known
        } else {
            offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(quarter * 900)))
            if cache.count > 10_000 { cache.removeAll(keepingCapacity: true) }
            cache[quarter] = offset
        }
        let local = seconds + Int64(offset)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let intoHour = secondOfDay % 3600
        return LocalHour(
            start: Date(timeIntervalSince1970: Double(seconds - intoHour)), day: LocalDate(daysSince1970: Int(days)),
            hour: Int(secondOfDay / 3600))
    }

    /// The instant local `day` begins (the first instant whose local date is `day`).
    package func start(of day: LocalDate) -> Date {
        let wall = Double(day.daysSince1970) * 86_400
        var guess = wall - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall)))
        // Around a change of offset the first guess can be an hour off: settle on the offset at the guess.
        for _ in 0..<2 {
            guess = wall - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: guess)))
        }
        return Date(timeIntervalSince1970: guess)
    }
}

extension LocalDate {
    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    package init(daysSince1970 days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// The date `days` later (earlier when negative).
    package func adding(days: Int) -> LocalDate { LocalDate(daysSince1970: daysSince1970 + days) }
}

/// What a rollup needs to know about an account besides its events.
package struct RollupSettings: Sendable, Equatable {
    /// Each campaign's goal (campaigns without one have no conversions).
    package var goals: [Int64: Goal]
    package var crossSessionDays: Int
    package var attribution: AccountSettings.Attribution
    package var timeZone: String

    package init(
        goals: [Int64: Goal] = [:], crossSessionDays: Int = 7, attribution: AccountSettings.Attribution = .last,
        timeZone: String = "UTC"
    ) {
        self.goals = goals
        self.crossSessionDays = crossSessionDays
        self.attribution = attribution
        self.timeZone = timeZone
    }
}
