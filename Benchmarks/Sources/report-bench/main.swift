import BeckonCore
import BeckonStorage
import Foundation
import Logging

// report-bench: report latency over 30 days × 100 campaigns and ≥ 1 million journal events
// (issue 7). Seeds a fresh database with a generated month of visits, times the rollup service
// counting it, then times the funnel queries the report API runs and a custom report.
//
//   report-bench --sqlite PATH | --postgres URL [--events 1000000] [--runs 20] [--json FILE]

struct Options {
    var sqlitePath: String?
    var postgresURL: String?
    var events = 1_000_000
    var runs = 20
    var json: String?

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            let value = rest.popFirst() ?? ""
            switch flag {
            case "--sqlite": sqlitePath = value
            case "--postgres": postgresURL = value
            case "--events": events = Int(value) ?? events
            case "--runs": runs = Int(value) ?? runs
            case "--json": json = value
            default: fail("unknown option \(flag)")
            }
        }
    }

    var storage: StorageConfiguration {
        if let postgresURL { return StorageConfiguration(driver: .postgres, postgresURL: postgresURL, postgresMaxConnections: 8) }
        guard let sqlitePath else { fail("give --sqlite PATH or --postgres URL") }
        return StorageConfiguration(driver: .sqlite, sqlitePath: sqlitePath)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("report-bench: \(message)\n".utf8))
    exit(2)
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// A deterministic generator (SplitMix64), so every run measures the same history.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func token() -> VisitToken { VisitToken(high: next(), low: next()) }
}

let options = Options(CommandLine.arguments)
var logger = Logger(label: "report-bench")
logger.logLevel = .warning
let account = AccountID(trusted: "bench")
/// The whole benchmark, over storage whose services run (`StorageFactory.open`).
@MainActor func bench(_ storage: Storage) async throws {
    let campaignCount = 100
    let days = 30
    let start = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21

    print("report-bench: \(options.postgresURL == nil ? "SQLite" : "PostgreSQL"), \(campaignCount) campaigns, \(days) days")
    _ = try? await storage.accounts.create(
        Account(id: account, name: "Bench", timeZone: "America/New_York", currency: "USD", createdAt: start),
        firstAdmin: ConsoleUser(
            id: ConsoleUser.makeID(), accountId: account, email: "bench@bench.example", role: .admin,
            passwordHash: "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", createdAt: start))
    var settings = try await storage.accounts.settings(accountId: account) ?? AccountSettings()
    settings.timeZone = "America/New_York"
    try await storage.accounts.updateSettings(accountId: account, settings)
    for index in 0..<campaignCount {
        _ = try await storage.campaigns.createCampaign(
            accountId: account,
            settings: CampaignSettings(
                name: "campaign \(index)", status: .live, goal: index % 2 == 0 ? Goal(type: .purchase) : Goal(type: .lead),
                controlGroupPercent: 10),
            at: start)
    }

    // A month of visits: page views, decisions, displays (some repeated), clicks with calls, declines,
    // purchases and leads; a fifth of the visitors come back.
    var random = Random(state: 42)
    var batch: [JournalEvent] = []
    var written = 0
    var visitors: [VisitToken] = []
    let seedStart = ContinuousClock.now
    let visitSpacing = Double(days * 86_400) / (Double(options.events) / 6.5)
    var visitIndex = 0
    @MainActor func add(_ visitor: VisitToken, _ session: VisitToken, _ at: Date, _ event: VisitEvent) {
        batch.append(VisitJournalEntry(accountId: account, visitorId: visitor, sessionId: session, occurredAt: at, event: event).journalEvent)
    }
    while written + batch.count < options.events {
        let visitor = !visitors.isEmpty && random.chance(20) ? visitors[random.below(visitors.count)] : random.token()
        if visitors.count < 50_000 { visitors.append(visitor) }
        let session = random.token()
        var at = start.addingTimeInterval(Double(visitIndex) * visitSpacing)
        visitIndex += 1
        func step() -> Date {
            at = at.addingTimeInterval(Double(1 + random.below(40)))
            return at
        }
        let campaign = Int64(1 + random.below(campaignCount))
        let engagement = campaign * 10 + Int64(random.below(2))
        let other = Int64(1 + random.below(campaignCount))
        add(visitor, session, step(), .pageView(PageViewRecord(siteId: "s", pageId: "1", url: "https://shop.example/p/\(campaign)", newVisit: true)))
        let control = random.chance(10)
        add(
            visitor, session, step(),
            .decision(
                DecisionRecord(
                    pageId: "1",
                    outcomes: [
                        .init(
                            campaignId: campaign, engagementId: engagement, revision: 1, outcome: control ? .controlGroup : .shown,
                            type: .clickToCall, proactive: true, placement: engagement % 2 == 0 ? .toaster : .overlay,
                            contextId: control ? nil : "1"),
                        .init(
                            campaignId: other, engagementId: other * 10, revision: 1, outcome: .capped, type: .clickToCall,
                            proactive: true, placement: .toaster),
                    ])))
        if !control {
            let display = ImpressionRecord(
                type: .impDisplay, pageId: "1", campaignId: campaign, engagementId: engagement, revision: 1, contextId: "1")
            add(visitor, session, step(), .impression(display))
            add(visitor, session, step(), .pageView(PageViewRecord(siteId: "s", pageId: "2", url: "https://shop.example/cart", newVisit: false)))
            add(visitor, session, step(), .impression(display))
            if random.chance(30) {
                var accept = display
                accept.type = .impAccept
                add(visitor, session, step(), .impression(accept))
                for status in ["REQUESTED", "CONNECTED", "COMPLETED"] {
                    var fields: [String: JSONValue] = ["type": .string("convStatus"), "contextId": .string("1"), "status": .string(status)]
                    if status == "COMPLETED" { fields["disposition"] = .string(["sale", "callback", "noInterest"][random.below(3)]) }
                    add(
                        visitor, session, step(),
                        .attribute(AttributeRecord(pageId: nil, source: .brand, attribute: try EngagementAttribute(fields: fields))))
                }
            } else if random.chance(20) {
                var close = display
                close.type = .impClose
                add(visitor, session, step(), .impression(close))
            }
        }
        if random.chance(12) {
            let fields: [String: JSONValue] =
                campaign % 2 == 1
                ? ["type": .string("purchase"), "orderId": .string("O-\(visitIndex)"), "total": .number(Double(10 + random.below(500)))]
                : ["type": .string("lead"), "lead": .object(["leadId": .string("L-\(visitIndex)"), "topic": .string("quote")])]
            add(visitor, session, step(), .attribute(AttributeRecord(pageId: "2", source: .page, attribute: try EngagementAttribute(fields: fields))))
        }
        if batch.count >= 10_000 {
            try await storage.journal.write(batch)
            written += batch.count
            batch.removeAll(keepingCapacity: true)
        }
    }
    try await storage.journal.write(batch)
    written += batch.count
    let seedSeconds = seconds(since: seedStart)
    print(String(format: "seeded %d events (%d visits) in %.1f s", written, visitIndex, seedSeconds))

    // The rollup service counting the month from scratch.
    let service = RollupService(
        journal: storage.journal, repository: storage.rollups,
        settings: RollupSettingsLoader(accounts: storage.accounts, campaigns: storage.campaigns), logger: logger)
    let rollupStart = ContinuousClock.now
    let counted = try await service.catchUp()
    let rollupSeconds = seconds(since: rollupStart)
    print(String(format: "rollups: %d events counted in %.1f s (%.0f events/s)", counted, rollupSeconds, Double(counted) / rollupSeconds))

    // Report latency: what GET reports/funnel runs (catch-up with nothing new, the rows, the account's
    // visits beside them), median and p95 of `runs`.
    var zone = LocalHourClock(identifier: "America/New_York")
    let firstDay = zone.hour(of: start).day
    let from = zone.start(of: firstDay)
    let to = zone.start(of: firstDay.adding(days: days + 1))

    struct Timing: Codable {
        var name: String
        var rows: Int
        var medianMs: Double
        var p95Ms: Double
    }

    @MainActor func measure(_ name: String, _ body: () async throws -> Int) async throws -> Timing {
        var samples: [Double] = []
        var rows = 0
        for _ in 0..<options.runs {
            let begin = ContinuousClock.now
            rows = try await body()
            samples.append(seconds(since: begin) * 1000)
        }
        samples.sort()
        let timing = Timing(
            name: name, rows: rows, medianMs: samples[samples.count / 2],
            p95Ms: samples[min(samples.count - 1, Int(Double(samples.count) * 0.95))])
        print(
            name.padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: " %6d rows  median %8.1f ms  p95 %8.1f ms", rows, timing.medianMs, timing.p95Ms))
        return timing
    }

    @MainActor func funnel(_ level: RollupLevel, _ groupBy: Set<RollupDimension>) async throws -> Int {
        try await service.catchUp()
        let rows = try await storage.rollups.rows(RollupQuery(accountId: account, from: from, to: to, level: level, groupBy: groupBy))
        if level != .account {
            _ = try await storage.rollups.rows(
                RollupQuery(accountId: account, from: from, to: to, level: .account, groupBy: groupBy.intersection(RollupDimension.time)))
        }
        return rows.count
    }

    var timings: [Timing] = []
    timings.append(try await measure("funnel: account, 30 days") { try await funnel(.account, []) })
    timings.append(try await measure("funnel: account by day") { try await funnel(.account, [.day]) })
    timings.append(try await measure("funnel: by campaign") { try await funnel(.campaign, [.campaign]) })
    timings.append(try await measure("funnel: by campaign and day") { try await funnel(.campaign, [.campaign, .day]) })
    timings.append(try await measure("funnel: by engagement, placement and day") { try await funnel(.engagement, [.engagement, .placement, .day]) })
    let customRuns = max(3, options.runs / 5)
    // What GET reports/custom runs: catch-up, then the stored facts of the types it names.
    var customTiming = try await {
        var samples: [Double] = []
        var groups = 0
        for _ in 0..<customRuns {
            let begin = ContinuousClock.now
            try await service.catchUp()
            groups = try await storage.rollups.customReport(
                try CustomReportQuery(attribute: "convStatus.disposition", measure: nil, filters: []), accountId: account, from: from, to: to
            ).count
            samples.append(seconds(since: begin) * 1000)
        }
        samples.sort()
        return Timing(name: "custom: convStatus.disposition, 30 days", rows: groups, medianMs: samples[samples.count / 2], p95Ms: samples.last!)
    }()
    print(
        customTiming.name.padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(format: " %6d rows  median %8.1f ms  max %8.1f ms", customTiming.rows, customTiming.medianMs, customTiming.p95Ms))
    customTiming.name += " (max of \(customRuns) as p95)"
    timings.append(customTiming)

    let rollupRows = try await storage.rollups.rows(
        RollupQuery(accountId: account, from: from, to: to, level: .engagement, groupBy: Set(RollupDimension.allCases))
    ).count
    print("stored engagement-level rows (all dimensions): \(rollupRows)")

    if let json = options.json {
        struct Result: Codable {
            var backend: String
            var events: Int
            var campaigns: Int
            var days: Int
            var rollupSeconds: Double
            var rollupEventsPerSecond: Double
            var timings: [Timing]
        }
        let result = Result(
            backend: options.postgresURL == nil ? "sqlite" : "postgres", events: written, campaigns: campaignCount, days: days,
            rollupSeconds: rollupSeconds, rollupEventsPerSecond: Double(counted) / rollupSeconds, timings: timings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(result).write(to: URL(fileURLWithPath: json))
    }
}

try await StorageFactory.open(options.storage, schema: .migrate, logger: logger) { try await bench($0) }
