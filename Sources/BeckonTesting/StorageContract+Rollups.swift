import BeckonCore
import Foundation
import Logging
import Testing

extension StorageContract {
    static let rollupChecks: [StorageContractCheck] = [
        check("rollupsOfTheScriptedHistoryMatchTheHandCount") { storage in
            try await twoAccounts(storage)
            // globex has the same history: acme's numbers must not move.
            try await storage.journal.write(ReportHistory.events(account: acme).map(\.event))
            try await storage.journal.write(ReportHistory.events(account: globex).map(\.event))
            let service = rollupService(storage, batchSize: 7)
            #expect(try await service.catchUp() == 2 * ReportHistory.events().count)
            try await expectHandCounts(storage)
            try await expectCustomReports(storage)
        },
        check("withRoomForOneVisitForgottenVisitsAreRecalledAndTheCountsStayExact") { storage in
            try await twoAccounts(storage)
            // Both accounts' histories, interleaved, through a memory that holds one visit and one
            // visitor: nearly every event continues a forgotten visit and recalls it.
            let acmeEvents = ReportHistory.events(account: acme).map(\.event)
            let globexEvents = ReportHistory.events(account: globex).map(\.event)
            try await storage.journal.write(zip(acmeEvents, globexEvents).flatMap { [$0, $1] })
            let service = rollupService(storage, batchSize: 7, memory: RollupMemory(capacity: 1))
            #expect(try await service.catchUp() == acmeEvents.count + globexEvents.count)
            try await expectHandCounts(storage)
            try await expectCustomReports(storage)
        },
        check("rollupsResumeAfterARestartAndRebuildToTheSameNumbers") { storage in
            try await twoAccounts(storage)
            let events = ReportHistory.events(account: acme).map(\.event)
            let half = events.count / 2
            try await storage.journal.write(Array(events[..<half]))
            try await rollupService(storage, batchSize: 5).catchUp()
            // A new process: warms up from the journal, then counts only what is new.
            try await storage.journal.write(Array(events[half...]))
            let restarted = rollupService(storage, batchSize: 5)
            #expect(try await restarted.catchUp() == events.count - half)
            #expect(try await restarted.catchUp() == 0)
            try await expectHandCounts(storage)
            let everything = RollupQuery(
                accountId: acme, from: .distantPast, to: .distantFuture, level: .engagement, groupBy: Set(RollupDimension.allCases))
            let before = try await storage.rollups.rows(everything)
            try await restarted.rebuild()
            try await restarted.rebuild()
            #expect(try await storage.rollups.rows(everything) == before)
            try await expectHandCounts(storage)
            try await expectCustomReports(storage)
        },
        check("rollupProgressRefusesAStaleWriter") { storage in
            try await twoAccounts(storage)
            #expect(try await storage.rollups.progress() == 0)
            let key = RollupKey(
                hour: LocalHour(start: t0, day: LocalDate("2026-09-21")!, hour: 3), level: .campaign, campaignId: 1)
            var metrics = FunnelMetrics()
            metrics.prospects = 2
            metrics.notShown = ["capped": 1]
            try await storage.rollups.apply([acme: [key: metrics]], facts: [:], from: 0, through: 10)
            await #expect(throws: BeckonError.self) {
                try await storage.rollups.apply([acme: [key: metrics]], facts: [:], from: 0, through: 12)
            }
            #expect(try await storage.rollups.progress() == 10)
            let rows = try await storage.rollups.rows(
                RollupQuery(accountId: acme, from: t0, to: t0.addingTimeInterval(3600), level: .campaign, groupBy: [.campaign, .hour]))
            #expect(rows == [RollupRow(hour: 3, campaignId: 1, metrics: metrics)])
            #expect(
                try await storage.rollups.rows(
                    RollupQuery(accountId: globex, from: t0, to: t0.addingTimeInterval(3600), level: .campaign)
                ).isEmpty)
        },
    ]

    static func rollupService(_ storage: Storage, batchSize: Int, memory: RollupMemory = RollupMemory()) -> RollupService {
        RollupService(
            journal: storage.journal, repository: storage.rollups, settings: RollupSettingsLoader(fixed: ReportHistory.settings()),
            logger: Logger(label: "test"), batchSize: batchSize, memory: memory)
    }

    /// Custom reports from the stored facts give what the same report gives straight from the
    /// events; facts are typed, paged by time and kept per account.
    static func expectCustomReports(_ storage: Storage) async throws {
        let queries = [
            try CustomReportQuery(attribute: "convStatus.disposition", measure: nil, filters: []),
            try CustomReportQuery(attribute: "ctmrinfo.ctype", measure: "sum:purchase.total", filters: []),
            try CustomReportQuery(attribute: "purchase.orderId", measure: "avg:purchase.total", filters: ["ctmrinfo.ctype!=vip"], campaignId: 2),
        ]
        for query in queries {
            var expected = CustomReportBuilder(query: query)
            for event in ReportHistory.events() { expected.add(event) }
            // Pages of 2 exercise the keyset paging.
            let stored = try await storage.rollups.customReport(query, accountId: acme, from: .distantPast, to: .distantFuture, pageSize: 2)
            #expect(stored == expected.rows(), "\(query)")
            #expect(!stored.isEmpty)
        }
        let purchases = try await storage.rollups.facts(
            ReportFactQuery(accountId: acme, type: "purchase", from: .distantPast, to: .distantFuture))
        #expect(purchases.count == 7)  // O-1 twice, O-9, O-5, O-7, O-20, O-8: facts are raw, reports de-duplicate
        #expect(purchases.map(\.occurredAt) == purchases.map(\.occurredAt).sorted())
        let displays = try await storage.rollups.facts(
            ReportFactQuery(accountId: acme, type: ReportFact.displayType, from: .distantPast, to: .distantFuture))
        #expect(displays.map(\.content) == [1, 1, 2, 1, 2, 1, 3].map { .display(campaignId: $0) })
        #expect(
            try await storage.rollups.facts(
                ReportFactQuery(accountId: AccountID(trusted: "nobody"), type: "purchase", from: .distantPast, to: .distantFuture)
            ).isEmpty)
    }

    /// The stored rows, summed as the report API sums them, against `ReportHistory`.
    static func expectHandCounts(_ storage: Storage) async throws {
        func query(_ level: RollupLevel, _ groupBy: Set<RollupDimension>, campaign: Int64? = nil) async throws -> [RollupRow] {
            try await storage.rollups.rows(
                RollupQuery(accountId: acme, from: .distantPast, to: .distantFuture, level: level, campaignId: campaign, groupBy: groupBy))
        }
        let account = try await query(.account, [])
        #expect(account.map(\.metrics) == [ReportHistory.account])
        var campaigns: [Int64: FunnelMetrics] = [:]
        for row in try await query(.campaign, [.campaign]) {
            var metrics = row.metrics
            metrics.visits = ReportHistory.account.visits
            metrics.pageViews = ReportHistory.account.pageViews
            campaigns[row.campaignId!] = metrics
        }
        #expect(campaigns == [1: ReportHistory.campaignOne, 2: ReportHistory.campaignTwo, 3: ReportHistory.campaignThree])
        let days = try await query(.account, [.day])
        #expect(days.map { $0.day!.description } == ReportHistory.visitsByDay.keys.sorted())
        for row in days {
            let expected = ReportHistory.visitsByDay[row.day!.description]!
            #expect(row.metrics.visits == expected.visits && row.metrics.pageViews == expected.pageViews)
        }
        for row in try await query(.campaign, [.day], campaign: 1) {
            let expected = ReportHistory.campaignOneByDay[row.day!.description]
            #expect(row.metrics.prospects == expected?.prospects ?? 0)
            #expect(row.metrics.goalsReached == expected?.goalsReached ?? 0)
        }
        let placements = try await query(.engagement, [.engagement, .placement], campaign: 1)
        #expect(placements.map { "\($0.engagementId!)/\($0.placement!)" } == ["11/toaster", "12/overlay"])
        #expect(placements.map(\.metrics.exposures) == [2, 1])
    }
}
