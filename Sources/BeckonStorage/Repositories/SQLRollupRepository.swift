package import BeckonCore
import Foundation

/// `RollupRepository` over either SQL backend. Deltas are added with `INSERT … ON CONFLICT DO
/// UPDATE` (both backends speak it), and the progress row moves in the same transaction, so a
/// batch is counted entirely or not at all.
package struct SQLRollupRepository: RollupRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    static let keyColumns = ["account_id", "level", "hour_start", "day", "hour", "campaign_id", "engagement_id", "revision", "placement"]
    static let conflictColumns = "account_id, level, hour_start, campaign_id, engagement_id, revision, placement"
    /// Counter columns in `FunnelMetrics.counters` order, then revenue.
    static let metricColumns = FunnelMetrics.counters.map { column($0.name) } + ["revenue_millis"]
    static let rowsPerStatement = 400

    static func column(_ name: String) -> String {
        name.reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
    }

    package func progress() async throws -> Int64 {
        try await database.query("SELECT sequence FROM report_progress WHERE name = 'rollups'").first?.int("sequence") ?? 0
    }

    package func apply(
        _ deltas: [AccountID: [RollupKey: FunnelMetrics]], facts: [AccountID: [ReportFact]], messages: [WebhookMessage],
        from previous: Int64, through sequence: Int64
    ) async throws {
        var factRows: [[SQLValue]] = []
        for (account, list) in facts.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for fact in list {
                var campaign = SQLValue.null
                var payload = SQLValue.null
                switch fact.content {
                case .attribute(let attribute):
                    payload = .text(String(decoding: try JSONEncoder.sortedKeys.encode(attribute), as: UTF8.self))
                case .display(let campaignId): campaign = .integer(campaignId)
                }
                factRows.append([
                    .text(account.rawValue), .text(fact.type), .date(fact.occurredAt), .integer(fact.sequence), .text(fact.visitorId),
                    .text(fact.sessionId), campaign, payload,
                ])
            }
        }
        var rows: [[SQLValue]] = []
        var notShown: [[SQLValue]] = []
        for (account, keyed) in deltas.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for (key, metrics) in keyed where !metrics.isZero {
                let keyValues = Self.keyValues(account, key)
                rows.append(
                    keyValues + FunnelMetrics.counters.map { .integer(Int64(metrics[keyPath: $0.path])) }
                        + [.integer(metrics.revenueMillis)])
                for (reason, visits) in metrics.notShown.sorted(by: { $0.key < $1.key }) {
                    notShown.append(keyValues + [.text(reason), .integer(Int64(visits))])
                }
            }
        }
        let (rollupRows, notShownRows, newFacts) = (rows, notShown, factRows)
        try await database.transaction { session in
            let moved = try await session.query(
                "UPDATE report_progress SET sequence = ? WHERE name = 'rollups' AND sequence = ? RETURNING sequence",
                .integer(sequence), .integer(previous))
            guard !moved.isEmpty else { throw BeckonError.conflict("the rollups were advanced by another process") }
            try await Self.upsert(
                session, table: "report_rollups", columns: Self.keyColumns + Self.metricColumns,
                sums: Self.metricColumns, rows: rollupRows)
            try await Self.upsert(
                session, table: "report_not_shown", columns: Self.keyColumns + ["reason", "visits"], sums: ["visits"],
                rows: notShownRows, conflict: Self.conflictColumns + ", reason")
            try await Self.insert(session, table: "report_facts", columns: Self.factColumns, rows: newFacts)
            try await SQLWebhookRepository.enqueue(messages, in: session, at: nil)
        }
    }

    static let factColumns = ["account_id", "type", "occurred_at", "sequence", "visitor_id", "session_id", "campaign_id", "payload"]

    private static func insert(_ session: any SQLExecutor, table: String, columns: [String], rows: [[SQLValue]]) async throws {
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
            try await session.query(
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(Array(repeating: placeholders, count: chunk.count).joined(separator: ", "))",
                chunk.flatMap { $0 })
            start += chunk.count
        }
    }

    package func facts(_ query: ReportFactQuery) async throws -> [ReportFact] {
        var sql = "SELECT * FROM report_facts WHERE account_id = ? AND type = ? AND occurred_at >= ? AND occurred_at < ?"
        var binds: [SQLValue] = [.text(query.accountId.rawValue), .text(query.type), .date(query.from), .date(query.to)]
        if let after = query.after {
            sql += " AND (occurred_at > ? OR (occurred_at = ? AND sequence > ?))"
            binds += [.date(after.occurredAt), .date(after.occurredAt), .integer(after.sequence)]
        }
        sql += " ORDER BY occurred_at, sequence LIMIT ?"
        binds.append(.integer(Int64(max(0, query.limit))))
        return try await database.query(sql, binds).map { row in
            let content: ReportFact.Content
            if let payload = try row.optionalText("payload") {
                guard case .object(let fields) = try JSONValue(parsing: Data(payload.utf8)) else {
                    throw SQLFailure.unavailable(underlying: "report_facts payload is not an object")
                }
                content = .attribute(EngagementAttribute(stored: fields))
            } else {
                content = .display(campaignId: try row.int("campaign_id"))
            }
            return ReportFact(
                sequence: try row.int("sequence"), occurredAt: try row.date("occurred_at"), visitorId: try row.text("visitor_id"),
                sessionId: try row.text("session_id"), content: content)
        }
    }

    private static func keyValues(_ account: AccountID, _ key: RollupKey) -> [SQLValue] {
        [
            .text(account.rawValue), .integer(Int64(key.level.rawValue)), .date(key.hour.start), .text(key.hour.day.description),
            .integer(Int64(key.hour.hour)), .integer(key.campaignId), .integer(key.engagement.engagementId),
            .integer(Int64(key.engagement.revision)), .text(key.engagement.placement),
        ]
    }

    private static func upsert(
        _ session: any SQLExecutor, table: String, columns: [String], sums: [String], rows: [[SQLValue]],
        conflict: String = conflictColumns
    ) async throws {
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        let updates = sums.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ", ")
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
            try await session.query(
                """
                INSERT INTO \(table) (\(columns.joined(separator: ", ")))
                VALUES \(Array(repeating: placeholders, count: chunk.count).joined(separator: ", "))
                ON CONFLICT (\(conflict)) DO UPDATE SET \(updates)
                """,
                chunk.flatMap { $0 })
            start += chunk.count
        }
    }

    package func rows(_ query: RollupQuery) async throws -> [RollupRow] {
        let dimensions = RollupDimension.allCases.filter { query.groupBy.contains($0) }
        let groupColumns = dimensions.map(Self.column(for:))
        var filter = "account_id = ? AND level = ? AND hour_start >= ? AND hour_start < ?"
        var binds: [SQLValue] = [
            .text(query.accountId.rawValue), .integer(Int64(query.level.rawValue)), .date(query.from), .date(query.to),
        ]
        if let campaignId = query.campaignId {
            filter += " AND campaign_id = ?"
            binds.append(.integer(campaignId))
        }
        let select = groupColumns.map { $0 + ", " }.joined()
        let group = groupColumns.isEmpty ? "" : " GROUP BY \(groupColumns.joined(separator: ", ")) ORDER BY \(groupColumns.joined(separator: ", "))"
        let sums = Self.metricColumns.map { "CAST(SUM(\($0)) AS BIGINT) AS \($0)" }.joined(separator: ", ")
        var rows: [[String]: RollupRow] = [:]
        var order: [[String]] = []
        for row in try await database.query("SELECT \(select)\(sums) FROM report_rollups WHERE \(filter)\(group)", binds) {
            guard try row.optionalInt("visits") != nil else { continue }  // SUM over no rows
            var result = try Self.dimensions(row, dimensions)
            for (index, counter) in FunnelMetrics.counters.enumerated() {
                result.metrics[keyPath: counter.path] = Int(try row.int(Self.metricColumns[index]))
            }
            result.metrics.revenueMillis = try row.int("revenue_millis")
            let id = Self.identity(result)
            order.append(id)
            rows[id] = result
        }
        let reasons = try await database.query(
            "SELECT \(select)reason, CAST(SUM(visits) AS BIGINT) AS visits FROM report_not_shown WHERE \(filter) GROUP BY \((groupColumns + ["reason"]).joined(separator: ", "))",
            binds)
        for row in reasons {
            let id = Self.identity(try Self.dimensions(row, dimensions))
            rows[id]?.metrics.notShown[try row.text("reason")] = Int(try row.int("visits"))
        }
        return order.compactMap { rows[$0] }
    }

    private static func column(for dimension: RollupDimension) -> String {
        switch dimension {
        case .campaign: "campaign_id"
        case .engagement: "engagement_id"
        case .revision: "revision"
        case .placement: "placement"
        case .day: "day"
        case .hour: "hour"
        }
    }

    private static func dimensions(_ row: SQLRow, _ dimensions: [RollupDimension]) throws -> RollupRow {
        var result = RollupRow()
        for dimension in dimensions {
            switch dimension {
            case .campaign: result.campaignId = try row.int("campaign_id")
            case .engagement: result.engagementId = try row.int("engagement_id")
            case .revision: result.revision = Int(try row.int("revision"))
            case .placement: result.placement = try row.text("placement")
            case .day: result.day = LocalDate(try row.text("day"))
            case .hour: result.hour = Int(try row.int("hour"))
            }
        }
        return result
    }

    private static func identity(_ row: RollupRow) -> [String] {
        [
            row.day?.description ?? "", row.hour.map(String.init) ?? "", row.campaignId.map(String.init) ?? "",
            row.engagementId.map(String.init) ?? "", row.revision.map(String.init) ?? "", row.placement ?? "",
        ]
    }

    package func deleteFacts(accountId: AccountID, visitorId: String) async throws -> Int {
        try await database.query(
            "DELETE FROM report_facts WHERE account_id = ? AND visitor_id = ? RETURNING sequence", .text(accountId.rawValue),
            .text(visitorId)
        ).count
    }

    package func reset() async throws {
        try await database.transaction { session in
            try await session.query("DELETE FROM report_rollups")
            try await session.query("DELETE FROM report_not_shown")
            try await session.query("DELETE FROM report_facts")
            try await session.query("UPDATE report_progress SET sequence = 0 WHERE name = 'rollups'")
        }
    }
}
