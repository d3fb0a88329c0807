import Foundation

/// A `RollupBuilder` with its deltas summed in memory: the funnel of a whole event history at
/// once (tests, and the reference the stored rollups are checked against).
package struct FunnelAggregator: Sendable {
    private var builder: RollupBuilder
    private var rows: [RollupKey: FunnelMetrics] = [:]

    /// `goals`: each campaign's goal (campaigns without one have no conversions).
    /// `crossSessionDays` and `attribution` are the account's settings.
    package init(
        goals: [Int64: Goal] = [:], crossSessionDays: Int = 7, attribution: AccountSettings.Attribution = .last,
        timeZone: String = "UTC"
    ) {
        builder = RollupBuilder(
            settings: RollupSettings(
                goals: goals, crossSessionDays: crossSessionDays, attribution: attribution, timeZone: timeZone))
    }

    package init(settings: RollupSettings) {
        builder = RollupBuilder(settings: settings)
    }

    package mutating func add(_ stored: StoredEvent) {
        builder.add(stored)
        for (key, delta) in builder.takeDeltas() { rows[key, default: FunnelMetrics()] += delta }
    }

    /// Every rollup row, as the rollup service would have stored them.
    package var rollups: [RollupKey: FunnelMetrics] { rows }

    /// One campaign's metrics, or the account's when `campaignId` is nil. Visits and page views
    /// are the account's either way.
    package func metrics(campaignId: Int64? = nil) -> FunnelMetrics {
        var total = FunnelMetrics()
        var account = FunnelMetrics()
        for (key, row) in rows {
            if key.level == .account { account += row }
            if let campaignId, key.level == .campaign, key.campaignId == campaignId { total += row }
        }
        guard campaignId != nil else { return account }
        total.visits = account.visits
        total.pageViews = account.pageViews
        return total
    }
}
