package import BeckonCore
package import Foundation

/// `AbuseRepository` over either SQL backend. Dial authorizations are decided one after another,
/// each reading its facts after the previous one stored its outcome, in group-committed
/// transactions (`TransactionBatcher`: many attempts share one commit); on PostgreSQL
/// transaction-scoped advisory locks per account serialize the attempts of one account across
/// nodes (SQLite has one writer anyway).
package struct SQLAbuseRepository: AbuseRepository {
    struct DialWork: Sendable {
        var attempt: DialAttempt
        var decide: @Sendable (DialFacts) -> DialOutcome
    }

    let database: any SQLDatabase
    let dials: TransactionBatcher<DialWork, DialOutcome>

    package init(database: any SQLDatabase) {
        self.database = database
        dials = TransactionBatcher(
            database: database,
            prepare: { works, tx in
                guard tx.dialect == .postgres else { return }
                // In one order on every node, so two batches never wait for each other's locks.
                for key in Set(works.map { Self.lockKey($0.attempt.accountId) }).sorted() {
                    try await tx.query("SELECT 1 AS ok FROM (SELECT pg_advisory_xact_lock(?)) AS locked", .integer(key))
                }
            },
            body: { work, tx in try await Self.decide(work.attempt, work.decide, in: tx) })
    }

    package func numberKeys(accountId: AccountID) async throws -> [NumberHashKey] {
        try await database.query(
            "SELECT * FROM abuse_number_keys WHERE account_id = ? ORDER BY created_at DESC, id", .text(accountId.rawValue)
        ).map { row in
            NumberHashKey(
                id: try row.text("id"), accountId: accountId, sealedSecret: try row.blob("sealed_secret"),
                createdAt: try row.date("created_at"))
        }
    }

    package func addNumberKey(_ key: NumberHashKey) async throws {
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

    package func authorize(_ attempt: DialAttempt, decide: @escaping @Sendable (DialFacts) -> DialOutcome) async throws -> DialOutcome {
        try await dials.submit(DialWork(attempt: attempt, decide: decide))
    }

    /// One attempt, inside the batch's transaction: its facts, the decision, its outcome stored.
    static func decide(_ attempt: DialAttempt, _ decide: (DialFacts) -> DialOutcome, in tx: any SQLExecutor) async throws -> DialOutcome {
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

    /// The facts of one attempt in two statements (each statement is a round trip to the
    /// database's thread, which is most of an attempt's cost): the visitor's and the number's
    /// blocks, then the number uses that matter, each tagged with why it was read.
    static func facts(for attempt: DialAttempt, in tx: any SQLExecutor) async throws -> DialFacts {
        let account = SQLValue.text(attempt.accountId.rawValue)
        let visitor = SQLValue.text(attempt.visitorId)
        let hashes = attempt.numberHashes.map { SQLValue.blob($0) }
        let inHashes = Array(repeating: "?", count: hashes.count).joined(separator: ", ")
        let subjects = attempt.numberHashes.map { SQLValue.text(Base64.encode($0)) }
        var facts = DialFacts()
        let blocks = try await tx.query(
            """
            SELECT * FROM abuse_blocks WHERE account_id = ?
            AND ((kind = 'visitor' AND subject = ?) OR (kind = 'number' AND subject IN (\(inHashes)))) ORDER BY created_at
            """, [account, visitor] + subjects
        ).map(block)
        let visitorBlocks = blocks.filter { $0.kind == .visitor }
        facts.numberBlocked = blocks.contains { $0.kind == .number && $0.holds(at: attempt.at) }
        facts.visitorBlock = visitorBlocks.last { $0.holds(at: attempt.at) }
        // A lift forgives that block, not the offence: the next block is still a second one.
        facts.earlierVisitorBlocks = visitorBlocks.count
        // Numbers count again only after the last block or lift: a lifted visitor starts afresh.
        let lastBlockEvent = visitorBlocks.map { max($0.createdAt, $0.liftedAt ?? $0.createdAt) }.max() ?? .distantPast
        let sameNumberSince = attempt.at.addingTimeInterval(-Double(attempt.settings.sameNumber.hours) * 3600)
        let uses = try await tx.query(
            """
            SELECT CAST('existing' AS TEXT) AS part, authorization_id, number_hash, created_at FROM number_uses
            WHERE account_id = ? AND visitor_id = ? AND session_id = ? AND context_id = ? AND authorization_id IS NOT NULL
            AND number_hash IN (\(inHashes))
            UNION ALL
            SELECT CAST('number' AS TEXT), authorization_id, number_hash, created_at FROM number_uses
            WHERE account_id = ? AND number_hash IN (\(inHashes)) AND authorization_id IS NOT NULL AND created_at > ?
            UNION ALL
            SELECT CAST('visitor' AS TEXT), authorization_id, number_hash, created_at FROM number_uses
            WHERE account_id = ? AND visitor_id = ? AND created_at > ?
            """,
            [account, visitor, .text(attempt.sessionId), .text(attempt.contextId)] + hashes + [account] + hashes
                + [.date(sameNumberSince), account, visitor, .date(max(attempt.at.addingTimeInterval(-86_400), lastBlockEvent))])
        for row in uses {
            switch try row.text("part") {
            case "existing": if facts.existingAuthorizationId == nil { facts.existingAuthorizationId = try row.optionalText("authorization_id") }
            case "number": facts.numberAuthorizations.append(try row.date("created_at"))
            default: facts.visitorNumbers.append((hash: try row.blob("number_hash"), at: try row.date("created_at")))
            }
        }
        facts.numberAuthorizations.sort()
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

    package func recordReportedNumbers(accountId: AccountID, visitorId: String, hashes: [[UInt8]], at: Date) async throws {
        guard !hashes.isEmpty else { return }
        try await database.transaction { tx in
            for hash in Set(hashes) {
                try await tx.query(
                    "INSERT INTO number_uses (account_id, visitor_id, number_hash, created_at) VALUES (?, ?, ?, ?)",
                    .text(accountId.rawValue), .text(visitorId), .blob(hash), .date(at))
            }
        }
    }

    package func callEnded(accountId: AccountID, visitorId: String, sessionId: String, contextId: String, at: Date) async throws {
        try await database.query(
            """
            UPDATE number_uses SET ended_at = ? WHERE account_id = ? AND visitor_id = ? AND session_id = ? AND context_id = ?
            AND authorization_id IS NOT NULL AND ended_at IS NULL
            """, .date(at), .text(accountId.rawValue), .text(visitorId), .text(sessionId), .text(contextId))
    }

    package func addBlock(_ block: AbuseBlock) async throws {
        do {
            try await Self.insert(block, into: database)
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(block.accountId.rawValue)
        }
    }

    package func block(accountId: AccountID, id: String) async throws -> AbuseBlock? {
        try await database.query("SELECT * FROM abuse_blocks WHERE account_id = ? AND id = ?", .text(accountId.rawValue), .text(id))
            .first.map(Self.block)
    }

    package func blocks(accountId: AccountID, activeAt now: Date?, afterId: String?, limit: Int) async throws -> [AbuseBlock] {
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

    package func liftBlock(accountId: AccountID, id: String, by: String, at: Date) async throws -> AbuseBlock? {
        try await database.query(
            "UPDATE abuse_blocks SET lifted_at = ?, lifted_by = ? WHERE account_id = ? AND id = ? AND lifted_at IS NULL", .date(at),
            .text(by), .text(accountId.rawValue), .text(id))
        return try await block(accountId: accountId, id: id)
    }

    package func visitorBlock(accountId: AccountID, visitorId: String, at now: Date) async throws -> AbuseBlock? {
        try await database.query(
            """
            SELECT * FROM abuse_blocks WHERE account_id = ? AND kind = 'visitor' AND subject = ? AND lifted_at IS NULL
            AND (until_at IS NULL OR until_at > ?) ORDER BY created_at DESC LIMIT 1
            """, .text(accountId.rawValue), .text(visitorId), .date(now)
        ).first.map(Self.block)
    }

    package func numberBlocked(accountId: AccountID, hashes: [[UInt8]], at now: Date) async throws -> Bool {
        try await Self.numberBlocked(accountId, hashes: hashes, at: now, in: database)
    }

    static func numberBlocked(
        _ accountId: AccountID, hashes: [[UInt8]], at now: Date, in executor: any SQLExecutor
    ) async throws
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
