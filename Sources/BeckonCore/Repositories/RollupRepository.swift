package import Foundation

/// What a funnel report can be broken down by (SPEC §8a `groupBy`).
package enum RollupDimension: String, Sendable, CaseIterable, Hashable {
    case campaign, engagement, revision, placement, day, hour

    /// The dimensions of the engagement level; asking for one reads engagement rows.
    package static let engagementLevel: Set<RollupDimension> = [.engagement, .revision, .placement]
    package static let time: Set<RollupDimension> = [.day, .hour]
}

/// Stored rollup rows to sum: one level, one account, local hours starting in `[from, to)`.
package struct RollupQuery: Sendable, Equatable {
    package var accountId: AccountID
    package var from: Date
    package var to: Date
    package var level: RollupLevel
    package var campaignId: Int64?
    package var groupBy: Set<RollupDimension>

    package init(
        accountId: AccountID, from: Date, to: Date, level: RollupLevel, campaignId: Int64? = nil,
        groupBy: Set<RollupDimension> = []
    ) {
        self.accountId = accountId
        self.from = from
        self.to = to
        self.level = level
        self.campaignId = campaignId
        self.groupBy = groupBy
    }
}

/// One group of summed rollup rows; a dimension not grouped by is nil.
package struct RollupRow: Sendable, Equatable {
    package var day: LocalDate?
    package var hour: Int?
    package var campaignId: Int64?
    package var engagementId: Int64?
    package var revision: Int?
    package var placement: String?
    package var metrics: FunnelMetrics

    package init(
        day: LocalDate? = nil, hour: Int? = nil, campaignId: Int64? = nil, engagementId: Int64? = nil, revision: Int? = nil,
        placement: String? = nil, metrics: FunnelMetrics = FunnelMetrics()
    ) {
        self.day = day
        self.hour = hour
        self.campaignId = campaignId
        self.engagementId = engagementId
        self.revision = revision
        self.placement = placement
        self.metrics = metrics
    }
}

/// The stored hourly rollups and how far into the journal they reach.
package protocol RollupRepository: Sendable {
    /// The last journal sequence counted into the rollups (0 before the first).
    func progress() async throws -> Int64
    /// Adds `deltas` to the stored rows, stores `facts`, puts `messages` (`goal.reached`) in the
    /// outbox of the endpoints subscribed, and moves the progress from `previous` to `sequence`,
    /// in one transaction. Throws `BeckonError.conflict` (and changes nothing) when the progress
    /// is no longer `previous` — another node counted those events.
    func apply(
        _ deltas: [AccountID: [RollupKey: FunnelMetrics]], facts: [AccountID: [ReportFact]], messages: [WebhookMessage],
        from previous: Int64, through sequence: Int64
    ) async throws
    /// Stored facts of one type in `[from, to)`, ordered by time then sequence.
    func facts(_ query: ReportFactQuery) async throws -> [ReportFact]
    /// Sums of stored rows grouped by the query's dimensions, ordered by them.
    func rows(_ query: RollupQuery) async throws -> [RollupRow]
    /// Deletes the stored facts of one visitor (erasure); answers how many.
    func deleteFacts(accountId: AccountID, visitorId: String) async throws -> Int
    /// Forgets every rollup, every fact and the progress (a rebuild from the journal follows).
    func reset() async throws
}

extension RollupRepository {
    /// A custom report over the stored facts of one account in `[from, to)`, read in pages of
    /// `pageSize` per fact type.
    package func customReport(
        _ query: CustomReportQuery, accountId: AccountID, from: Date, to: Date, pageSize: Int = 5000
    ) async throws -> [CustomReportRow] {
        var builder = CustomReportBuilder(query: query)
        for type in builder.factTypes {
            var after: (Date, Int64)?
            while true {
                let page = try await facts(
                    ReportFactQuery(accountId: accountId, type: type, from: from, to: to, after: after, limit: pageSize))
                for fact in page { builder.add(fact) }
                guard let last = page.last, page.count == pageSize else { break }
                after = (last.occurredAt, last.sequence)
            }
        }
        return builder.rows()
    }
}

extension RollupRepository {
    /// `apply` without webhook messages.
    package func apply(
        _ deltas: [AccountID: [RollupKey: FunnelMetrics]], facts: [AccountID: [ReportFact]], from previous: Int64,
        through sequence: Int64
    ) async throws {
        try await apply(deltas, facts: facts, messages: [], from: previous, through: sequence)
    }
}
