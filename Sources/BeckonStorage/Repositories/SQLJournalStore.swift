package import BeckonCore
package import Foundation

/// `JournalStore` over either SQL backend: a batch is one transaction of multi-row inserts.
package struct SQLJournalStore: JournalStore {
    let database: any SQLDatabase

    /// Rows per `INSERT` statement: 7 binds a row keeps a statement well under SQLite's 32,766
    /// variables and PostgreSQL's 65,535 bind parameters.
    static let rowsPerStatement = 500

    package init(database: any SQLDatabase) { self.database = database }

    package func write(_ appends: [JournalAppend]) async throws -> Set<Int> {
        let events = appends.flatMap(\.events)
        guard !events.isEmpty else { return [] }
        return try await database.transaction { session in
            var written: [Int64] = []
            written.reserveCapacity(events.count)
            var start = 0
            while start < events.count {
                let chunk = events[start..<min(start + Self.rowsPerStatement, events.count)]
                let rows = Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
                var binds: [SQLValue] = []
                binds.reserveCapacity(chunk.count * 7)
                for event in chunk {
                    binds += [
                        .text(event.accountId.rawValue), .text(event.kind.rawValue), .date(event.occurredAt),
                        .optionalText(event.visitorId), .optionalText(event.sessionId), .text(event.payload),
                        event.visitorSequence.map { .integer($0) } ?? .null,
                    ]
                }
                // A visitor's place already taken is skipped here and its append refused below.
                written += try await session.query(
                    """
                    INSERT INTO journal (account_id, kind, occurred_at, visitor_id, session_id, payload, visitor_seq)
                    VALUES \(rows)
                    ON CONFLICT (account_id, visitor_id, visitor_seq) DO NOTHING
                    RETURNING sequence
                    """,
                    binds
                ).map { try $0.int("sequence") }
                start += chunk.count
            }
            guard written.count < events.count else { return [] }
            return try await Self.refuseStaleVisitors(appends, written: written, in: session)
        }
    }

    /// Some events were skipped (their place was taken): every append for those visitors in
    /// this batch is refused, and what of them was written is taken back, in the same
    /// transaction. Rare: only a copy that missed another node's write gets here.
    private static func refuseStaleVisitors(
        _ appends: [JournalAppend], written: [Int64], in session: any SQLExecutor
    ) async throws -> Set<Int> {
        struct Place: Hashable {
            var account: String
            var visitor: String
            var sequence: Int64
        }
        var writtenPlaces: [Place: Int] = [:]
        var writtenRows: [Place: [Int64]] = [:]
        for chunk in stride(from: 0, to: written.count, by: rowsPerStatement).map({ written[$0..<min($0 + rowsPerStatement, written.count)] }) {
            let rows = try await session.query(
                "SELECT sequence, account_id, visitor_id, visitor_seq FROM journal WHERE sequence IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", ")))",
                chunk.map { .integer($0) })
            for row in rows {
                guard let visitor = try row.optionalText("visitor_id"), let place = try row.optionalInt("visitor_seq") else { continue }
                let key = Place(account: try row.text("account_id"), visitor: visitor, sequence: place)
                writtenPlaces[key, default: 0] += 1
                writtenRows[key, default: []].append(try row.int("sequence"))
            }
        }
        // A visitor is stale when one of its places in the batch was not written.
        var wanted: [Place: Int] = [:]
        for event in appends.lazy.flatMap(\.events) {
            guard let visitor = event.visitorId, let place = event.visitorSequence else { continue }
            wanted[Place(account: event.accountId.rawValue, visitor: visitor, sequence: place), default: 0] += 1
        }
        struct Visitor: Hashable {
            var account: String
            var visitor: String
        }
        let stale = Set(wanted.filter { $0.value > writtenPlaces[$0.key, default: 0] }.keys.map { Visitor(account: $0.account, visitor: $0.visitor) })
        var refused: Set<Int> = []
        for (position, append) in appends.enumerated()
        where append.events.contains(where: { event in
            event.visitorSequence != nil && stale.contains(Visitor(account: event.accountId.rawValue, visitor: event.visitorId ?? ""))
        }) {
            refused.insert(position)
        }
        let takenBack = writtenRows.filter { stale.contains(Visitor(account: $0.key.account, visitor: $0.key.visitor)) }.values.flatMap { $0 }
        for chunk in stride(from: 0, to: takenBack.count, by: rowsPerStatement).map({ takenBack[$0..<min($0 + rowsPerStatement, takenBack.count)] }) {
            try await session.query(
                "DELETE FROM journal WHERE sequence IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", ")))",
                chunk.map { .integer($0) })
        }
        return refused
    }

    package func latestSequence() async throws -> Int64 {
        try await database.query("SELECT MAX(sequence) AS last FROM journal").first?.optionalInt("last") ?? 0
    }

    package func latestVisitorSequence(accountId: AccountID, visitorId: String) async throws -> Int64 {
        try await database.query(
            "SELECT MAX(visitor_seq) AS place FROM journal WHERE account_id = ? AND visitor_id = ? AND visitor_seq IS NOT NULL",
            .text(accountId.rawValue), .text(visitorId)
        ).first?.optionalInt("place") ?? 0
    }

    package func events(_ query: JournalQuery) async throws -> [StoredEvent] {
        var kinds = query.kinds.map(\.rawValue).sorted()
        var kindFilter = kinds.isEmpty ? "" : " AND kind IN (\(Array(repeating: "?", count: kinds.count).joined(separator: ", ")))"
        // Kinds are the code's own names; written out (letters only, never input) so a partial
        // index on one kind (`journal_abuse_by_time`) serves the query.
        if kinds.count == 1, let kind = kinds.first, kind.allSatisfy({ $0.isASCII && $0.isLetter }) {
            kindFilter = " AND kind = '\(kind)'"
            kinds = []
        }
        return try await database.query(
            """
            SELECT * FROM journal
            WHERE account_id = ? AND occurred_at >= ? AND occurred_at < ? AND sequence > ?\(kindFilter)
            ORDER BY sequence LIMIT ?
            """,
            [.text(query.accountId.rawValue), .date(query.from), .date(query.to), .integer(query.afterSequence)]
                + kinds.map { .text($0) } + [.integer(Int64(max(0, query.limit)))]
        ).map(Self.event)
    }

    package func events(afterSequence: Int64, limit: Int) async throws -> [StoredEvent] {
        try await database.query(
            "SELECT * FROM journal WHERE sequence > ? ORDER BY sequence LIMIT ?", .integer(afterSequence),
            .integer(Int64(max(0, limit)))
        ).map(Self.event)
    }

    package func events(accountId: AccountID, visitorId: String, since: Date, limit: Int) async throws -> [StoredEvent] {
        try await database.query(
            """
            SELECT * FROM journal WHERE account_id = ? AND visitor_id = ? AND occurred_at >= ?
            ORDER BY sequence DESC LIMIT ?
            """,
            .text(accountId.rawValue), .text(visitorId), .date(since), .integer(Int64(max(0, limit)))
        ).map(Self.event).reversed()
    }

    package func deleteVisitor(accountId: AccountID, visitorId: String) async throws -> Int {
        try await database.query(
            "DELETE FROM journal WHERE account_id = ? AND visitor_id = ? RETURNING sequence", .text(accountId.rawValue),
            .text(visitorId)
        ).count
    }

    package func count() async throws -> Int {
        Int(try await database.query("SELECT COUNT(*) AS n FROM journal").first?.int("n") ?? 0)
    }

    private static func event(_ row: SQLRow) throws -> StoredEvent {
        StoredEvent(
            sequence: try row.int("sequence"),
            event: JournalEvent(
                accountId: AccountID(trusted: try row.text("account_id")), kind: EventKind(rawValue: try row.text("kind")),
                occurredAt: try row.date("occurred_at"), visitorId: try row.optionalText("visitor_id"),
                sessionId: try row.optionalText("session_id"), payload: try row.text("payload"),
                visitorSequence: try row.optionalInt("visitor_seq")))
    }
}
