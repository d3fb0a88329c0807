import BeckonCore
import Foundation

/// `AbuseRepository` over either SQL backend. A dial authorization reads its facts and stores
/// its outcome in one transaction; on PostgreSQL a transaction-scoped advisory lock per account
/// serializes the attempts of one account across nodes (SQLite has one writer anyway).
public struct SQLAbuseRepository: AbuseRepository {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    public func numberKeys(accountId: AccountID) async throws -> [NumberHashKey] {
        try await database.query(
            "SELECT * FROM abuse_number_keys WHERE account_id = ? ORDER BY created_at DESC, id", .text(accountId.rawValue)
        ).map { row in
            NumberHashKey(
                id: try row.text("id"), accountId: accountId, sealedSecret: try row.blob("sealed_secret"),
                createdAt: try row.date("created_at"))
        }
    }

    public func addNumberKey(_ key: NumberHashKey) async throws {
        do {
            try await database.query(
                "INSERT INTO abuse_number_keys (id, account_id, sealed_secret, created_at) VALUES (?, ?, ?, ?)", .text(key.id),
                .text(key.accountId.rawValue), .blob(key.sealedSecret), .date(key.createdAt))
        } catch SQLFailure.uniqueViolation {
            throw BeckonError.conflict("number key '\(key.id)' exists")
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(key.accountId.rawValue)
        }
    }

    public func authorize(_ attempt: DialAttempt, decide: @Sendable (DialFacts) -> DialOutcome) async throws -> DialOutcome {
        try await database.transaction { tx in
            if tx.dialect == .postgres {
                try await tx.query(
                    "SELECT 1 AS ok FROM (SELECT pg_advisory_xact_lock(?)) AS locked", .integer(Self.lockKey(attempt.accountId)))
            }
            let facts = try await Self.facts(for: attempt, in: tx)
            let outcome = decide(facts)
            if let id = outcome.authorizationId, !outcome.repeated {
                try await tx.query(
                    """
                    INSERT INTO number_uses (account_id, visitor_id, number_hash, authorization_id, session_id, context_id, country, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    .text(attempt.accountId.rawValue), .text(attempt.visitorId), .blob(attempt.numberHashes[0]), .text(id),
                    .text(attempt.sessionId), .text(attempt.contextId), .optionalText(attempt.country), .date(attempt.at))
            }
            if let block = outcome.newBlock { try await Self.insert(block, into: tx) }
            return outcome
        }
    }

    static func facts(for attempt: DialAttempt, in tx: any SQLExecutor) async throws -> DialFacts {
        let account = SQLValue.text(attempt.accountId.rawValue)
        let visitor = SQLValue.text(attempt.visitorId)
        let hashes = attempt.numberHashes.map { SQLValue.blob($0) }
        let inHashes = Array(repeating: "?", count: hashes.count).joined(separator: ", ")
        var facts = DialFacts()
        facts.existingAuthorizationId = try await tx.query(
            """
            SELECT authorization_id FROM number_uses WHERE account_id = ? AND visitor_id = ? AND session_id = ? AND context_id = ?
            AND authorization_id IS NOT NULL AND number_hash IN (\(inHashes))
            """, [account, visitor, .text(attempt.sessionId), .text(attempt.contextId)] + hashes
        ).first?.optionalText("authorization_id")
        facts.numberBlocked = try await numberBlocked(attempt.accountId, hashes: attempt.numberHashes, at: attempt.at, in: tx)
        let sameNumberSince = attempt.at.addingTimeInterval(-Double(attempt.settings.sameNumber.hours) * 3600)
        facts.numberAuthorizations = try await tx.query(
            """
            SELECT created_at FROM number_uses WHERE account_id = ? AND number_hash IN (\(inHashes))
            AND authorization_id IS NOT NULL AND created_at > ? ORDER BY created_at
            """, [account] + hashes + [.date(sameNumberSince)]
        ).map { try $0.date("created_at") }
        let blocks = try await tx.query(
            "SELECT * FROM abuse_blocks WHERE account_id = ? AND kind = 'visitor' AND subject = ? ORDER BY created_at",
            account, visitor
        ).map(block)
        facts.visitorBlock = blocks.last { $0.holds(at: attempt.at) }
        // A lift forgives that block, not the offence: the next block is still a second one.
        facts.earlierVisitorBlocks = blocks.count
        // Numbers count again only after the last block or lift: a lifted visitor starts afresh.
        let lastBlockEvent = blocks.map { max($0.createdAt, $0.liftedAt ?? $0.createdAt) }.max() ?? .distantPast
        let numbersSince = max(attempt.at.addingTimeInterval(-86_400), lastBlockEvent)
        facts.visitorNumbers = try await tx.query(
            "SELECT number_hash, created_at FROM number_uses WHERE account_id = ? AND visitor_id = ? AND created_at > ?", account,
            visitor, .date(numbersSince)
        ).map { (hash: try $0.blob("number_hash"), at: try $0.date("created_at")) }
        // The account-wide counts grow with the day's calls: only read when a limit needs them.
        guard attempt.settings.dailyCallBudget != nil || attempt.settings.concurrentCalls != nil else { return facts }
        facts.authorizationsToday = Int(
            try await tx.query(
                "SELECT COUNT(*) AS n FROM number_uses WHERE account_id = ? AND authorization_id IS NOT NULL AND created_at >= ?",
                account, .date(attempt.dayStart)
            ).first?.int("n") ?? 0)
        facts.activeCalls = Int(
            try await tx.query(
                """
                SELECT COUNT(*) AS n FROM number_uses WHERE account_id = ? AND authorization_id IS NOT NULL AND ended_at IS NULL
                AND created_at > ?
                """, account, .date(attempt.at.addingTimeInterval(-DialPolicy.callTimeout))
            ).first?.int("n") ?? 0)
        return facts
    }

    public func recordReportedNumbers(accountId: AccountID, visitorId: String, hashes: [[UInt8]], at: Date) async throws {
        guard !hashes.isEmpty else { return }
        try await database.transaction { tx in
            for hash in Set(hashes) {
                try await tx.query(
                    "INSERT INTO number_uses (account_id, visitor_id, number_hash, created_at) VALUES (?, ?, ?, ?)",
                    .text(accountId.rawValue), .text(visitorId), .blob(hash), .date(at))
            }
        }
    }

    public func callEnded(accountId: AccountID, visitorId: String, sessionId: String, contextId: String, at: Date) async throws {
        try await database.query(
            """
            UPDATE number_uses SET ended_at = ? WHERE account_id = ? AND visitor_id = ? AND session_id = ? AND context_id = ?
            AND authorization_id IS NOT NULL AND ended_at IS NULL
            """, .date(at), .text(accountId.rawValue), .text(visitorId), .text(sessionId), .text(contextId))
    }

    public func addBlock(_ block: AbuseBlock) async throws {
        do {
            try await Self.insert(block, into: database)
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(block.accountId.rawValue)
        }
    }

    public func block(accountId: AccountID, id: String) async throws -> AbuseBlock? {
        try await database.query("SELECT * FROM abuse_blocks WHERE account_id = ? AND id = ?", .text(accountId.rawValue), .text(id))
            .first.map(Self.block)
    }

    public func blocks(accountId: AccountID, activeAt now: Date?, afterId: String?, limit: Int) async throws -> [AbuseBlock] {
        var sql = "SELECT * FROM abuse_blocks WHERE account_id = ? AND id > ?"
        var binds: [SQLValue] = [.text(accountId.rawValue), .text(afterId ?? "")]
        if let now {
            sql += " AND lifted_at IS NULL AND (until_at IS NULL OR until_at > ?)"
            binds.append(.date(now))
        }
        sql += " ORDER BY id LIMIT ?"
        binds.append(.integer(Int64(limit)))
        return try await database.query(sql, binds).map(Self.block)
    }

    public func liftBlock(accountId: AccountID, id: String, by: String, at: Date) async throws -> AbuseBlock? {
        try await database.query(
            "UPDATE abuse_blocks SET lifted_at = ?, lifted_by = ? WHERE account_id = ? AND id = ? AND lifted_at IS NULL", .date(at),
            .text(by), .text(accountId.rawValue), .text(id))
        return try await block(accountId: accountId, id: id)
    }

    public func visitorBlock(accountId: AccountID, visitorId: String, at now: Date) async throws -> AbuseBlock? {
        try await database.query(
            """
            SELECT * FROM abuse_blocks WHERE account_id = ? AND kind = 'visitor' AND subject = ? AND lifted_at IS NULL
            AND (until_at IS NULL OR until_at > ?) ORDER BY created_at DESC LIMIT 1
            """, .text(accountId.rawValue), .text(visitorId), .date(now)
        ).first.map(Self.block)
    }

    public func numberBlocked(accountId: AccountID, hashes: [[UInt8]], at now: Date) async throws -> Bool {
        try await Self.numberBlocked(accountId, hashes: hashes, at: now, in: database)
    }

    static func numberBlocked(_ accountId: AccountID, hashes: [[UInt8]], at now: Date, in executor: any SQLExecutor) async throws
        -> Bool
    {
        guard !hashes.isEmpty else { return false }
        let subjects = hashes.map { SQLValue.text(Base64.encode($0)) }
        let placeholders = Array(repeating: "?", count: subjects.count).joined(separator: ", ")
        return try await !executor.query(
            """
            SELECT id FROM abuse_blocks WHERE account_id = ? AND kind = 'number' AND subject IN (\(placeholders))
            AND lifted_at IS NULL AND (until_at IS NULL OR until_at > ?) LIMIT 1
            """, [.text(accountId.rawValue)] + subjects + [.date(now)]
        ).isEmpty
    }

    static func insert(_ block: AbuseBlock, into executor: any SQLExecutor) async throws {
        try await executor.query(
            """
            INSERT INTO abuse_blocks (id, account_id, kind, subject, session_id, reason, country, created_at, until_at, lifted_at, lifted_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, .text(block.id), .text(block.accountId.rawValue), .text(block.kind.rawValue), .text(block.subject),
            .optionalText(block.sessionId), .text(block.reason), .optionalText(block.country), .date(block.createdAt),
            .optionalDate(block.until), .optionalDate(block.liftedAt), .optionalText(block.liftedBy))
    }

    static func block(_ row: SQLRow) throws -> AbuseBlock {
        AbuseBlock(
            id: try row.text("id"), accountId: AccountID(trusted: try row.text("account_id")),
            kind: AbuseBlock.Kind(rawValue: try row.text("kind")) ?? .visitor, subject: try row.text("subject"),
            sessionId: try row.optionalText("session_id"), reason: try row.text("reason"), country: try row.optionalText("country"),
            createdAt: try row.date("created_at"), until: try row.optionalDate("until_at"), liftedAt: try row.optionalDate("lifted_at"),
            liftedBy: try row.optionalText("lifted_by"))
    }

    /// A stable 64-bit key per account for `pg_advisory_xact_lock` (FNV-1a of the id).
    static func lockKey(_ accountId: AccountID) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "beckon.dial.\(accountId.rawValue)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int64(bitPattern: hash)
    }
}
