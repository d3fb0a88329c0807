public import Foundation

/// The metrics of SPEC §10 for one rollup row (or a sum of rows). Visit counts (`prospects`,
/// `exposed`, `engaged`, …) are counted in the hour of their first occurrence in the visit at the
/// row's level, so summing hours gives distinct visits over any range.
public struct FunnelMetrics: Sendable, Equatable {
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
    /// `purchase.total` of the converting purchases, in thousandths (sums stay exact and the
    /// same on every backend).
    public var revenueMillis: Int64 = 0
    /// Goals reached in visits of the campaign's control group (for lift).
    public var controlGroupConversions = 0
    /// Goals reached in a later visit within the account's window after an exposure / a click
    /// of the campaign, each attributed to one campaign (the first or the last, per settings).
    public var crossSessionConversions = 0
    public var crossSessionConversionsAfterEngagement = 0
    /// Visits in which a targeted engagement was not shown, by the reason (`DecisionOutcome`).
    public var notShown: [String: Int] = [:]

    public init() {}

    public var revenue: Double {
        get { Double(revenueMillis) / 1000 }
        set { revenueMillis = Int64((newValue * 1000).rounded()) }
    }

    /// Conversion rate of exposed visits against the control group's, as a relative change
    /// (0.25 = 25 % better); nil without control-group visits or conversions to compare with.
    public var lift: Double? {
        guard exposed > 0, controlGroupVisits > 0, controlGroupConversions > 0 else { return nil }
        let exposedRate = Double(conversions) / Double(exposed)
        let controlRate = Double(controlGroupConversions) / Double(controlGroupVisits)
        return exposedRate / controlRate - 1
    }

    /// The counters by name, in the order reports print them (`notShown` apart).
    nonisolated(unsafe) public static let counters: [(name: String, path: WritableKeyPath<FunnelMetrics, Int>)] = [
        ("visits", \.visits), ("pageViews", \.pageViews), ("prospects", \.prospects), ("exposed", \.exposed),
        ("exposures", \.exposures), ("engagementViews", \.engagementViews), ("clicks", \.clicks), ("engaged", \.engaged),
        ("callsRequested", \.callsRequested), ("callsConnected", \.callsConnected), ("callsCompleted", \.callsCompleted),
        ("goalsReached", \.goalsReached), ("conversions", \.conversions),
        ("crossSessionConversions", \.crossSessionConversions),
        ("crossSessionConversionsAfterEngagement", \.crossSessionConversionsAfterEngagement),
        ("controlGroupVisits", \.controlGroupVisits), ("controlGroupConversions", \.controlGroupConversions),
    ]

    public static func += (lhs: inout FunnelMetrics, rhs: FunnelMetrics) {
        for counter in counters { lhs[keyPath: counter.path] += rhs[keyPath: counter.path] }
        lhs.revenueMillis += rhs.revenueMillis
        lhs.notShown.merge(rhs.notShown, uniquingKeysWith: +)
    }

    public var isZero: Bool { self == FunnelMetrics() }
}

/// How detailed a rollup row is. Each level counts its own distinct visits: a visit exposed to
/// two engagements of a campaign is one exposed visit of the campaign and one of each engagement.
public enum RollupLevel: Int, Sendable, Hashable, CaseIterable {
    /// The account: `campaignId` and `engagementId` are 0.
    case account = 0
    /// One campaign: `engagementId` is 0.
    case campaign = 1
    /// One engagement revision with its placement.
    case engagement = 2
}

/// The engagement revision a count belongs to.
public struct EngagementRef: Hashable, Sendable {
    public var engagementId: Int64
    public var revision: Int
    public var placement: String

    public init(engagementId: Int64, revision: Int, placement: String) {
        self.engagementId = engagementId
        self.revision = revision
        self.placement = placement
    }
}

/// One hour of the account's local time.
public struct LocalHour: Hashable, Sendable, Comparable {
    /// The instant the local hour began.
    public var start: Date
    public var day: LocalDate
    /// 0–23, local.
    public var hour: Int

    public init(start: Date, day: LocalDate, hour: Int) {
        self.start = start
        self.day = day
        self.hour = hour
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.start < rhs.start }
}

/// Where a count belongs: a local hour, a level, and the campaign/engagement of that level.
public struct RollupKey: Hashable, Sendable {
    public var hour: LocalHour
    public var level: RollupLevel
    public var campaignId: Int64
    public var engagement: EngagementRef

    public init(hour: LocalHour, level: RollupLevel, campaignId: Int64 = 0, engagement: EngagementRef? = nil) {
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
public struct LocalHourClock: Sendable {
    public let zone: TimeZone
    private var cache: [Int64: Int] = [:]

    public init(zone: TimeZone) { self.zone = zone }

    public init(identifier: String) {
        self.init(zone: TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!)
    }

    public mutating func hour(of instant: Date) -> LocalHour {
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
    public func start(of day: LocalDate) -> Date {
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
    public init(daysSince1970 days: Int) {
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
    public func adding(days: Int) -> LocalDate { LocalDate(daysSince1970: daysSince1970 + days) }
}

/// What a rollup needs to know about an account besides its events.
public struct RollupSettings: Sendable, Equatable {
    /// Each campaign's goal (campaigns without one have no conversions).
    public var goals: [Int64: Goal]
    public var crossSessionDays: Int
    public var attribution: AccountSettings.Attribution
    public var timeZone: String

    public init(
        goals: [Int64: Goal] = [:], crossSessionDays: Int = 7, attribution: AccountSettings.Attribution = .last,
        timeZone: String = "UTC"
    ) {
        self.goals = goals
        self.crossSessionDays = crossSessionDays
        self.attribution = attribution
        self.timeZone = timeZone
    }
}
