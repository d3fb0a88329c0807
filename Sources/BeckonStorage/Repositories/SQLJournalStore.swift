package import BeckonCore
package import Foundation

/// `JournalStore` over either SQL backend: a batch is one transaction of multi-row inserts.
package struct SQLJournalStore: JournalStore {
    let database: any SQLDatabase

    /// Rows per `INSERT` statement: 6 binds a row keeps a statement well under SQLite's 32,766
    /// variables and PostgreSQL's 65,535 bind parameters.
    static let rowsPerStatement = 500

    package init(database: any SQLDatabase) { self.database = database }

    package func write(_ events: [JournalEvent]) async throws {
        guard !events.isEmpty else { return }
        try await database.transaction { session in
            var start = 0
            while start < events.count {
                let chunk = events[start..<min(start + Self.rowsPerStatement, events.count)]
                let rows = Array(repeating: "(?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
                var binds: [SQLValue] = []
                binds.reserveCapacity(chunk.count * 6)
                for event in chunk {
                    binds += [
                        .text(event.accountId.rawValue), .text(event.kind.rawValue), .date(event.occurredAt),
                        .optionalText(event.visitorId), .optionalText(event.sessionId), .text(event.payload),
                    ]
                }
                try await session.query(
                    "INSERT INTO journal (account_id, kind, occurred_at, visitor_id, session_id, payload) VALUES \(rows)",
                    binds)
                start += chunk.count
            }
        }
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
                sessionId: try row.optionalText("session_id"), payload: try row.text("payload")))
    }
}
