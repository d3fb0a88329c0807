package import BeckonCore
package import Foundation

/// `CampaignRepository` over either SQL backend.
package struct SQLCampaignRepository: CampaignRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    package func createCampaign(accountId: AccountID, settings: CampaignSettings, at date: Date) async throws -> Campaign {
        do {
            let rows = try await database.query(
                """
                INSERT INTO campaigns (account_id, status, settings, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?) RETURNING *
                """,
                .text(accountId.rawValue), .text(settings.status.rawValue), .text(try JSONText.encode(settings)), .date(date),
                .date(date))
            return try Self.campaign(rows[0])
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(accountId.rawValue)
        }
    }

    package func campaign(accountId: AccountID, id: Int64) async throws -> Campaign? {
        try await database.query(
            "SELECT * FROM campaigns WHERE account_id = ? AND id = ?", .text(accountId.rawValue), .integer(id)
        ).first.map(Self.campaign)
    }

    package func campaigns(
        accountId: AccountID, status: Campaign.Status?, afterId: Int64, limit: Int
    ) async throws
        -> [Campaign]
    {
        let rows: [SQLRow]
        if let status {
            rows = try await database.query(
                "SELECT * FROM campaigns WHERE account_id = ? AND status = ? AND id > ? ORDER BY id LIMIT ?",
                .text(accountId.rawValue), .text(status.rawValue), .integer(afterId), .integer(Int64(limit)))
        } else {
            rows = try await database.query(
                "SELECT * FROM campaigns WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?", .text(accountId.rawValue),
                .integer(afterId), .integer(Int64(limit)))
        }
        return try rows.map(Self.campaign)
    }

    package func updateCampaign(
        accountId: AccountID, id: Int64, settings: CampaignSettings, at date: Date
    ) async throws
        -> Campaign
    {
        let rows = try await database.query(
            "UPDATE campaigns SET status = ?, settings = ?, updated_at = ?, revision = revision + 1 WHERE account_id = ? AND id = ? RETURNING *",
            .text(settings.status.rawValue), .text(try JSONText.encode(settings)), .date(date), .text(accountId.rawValue),
            .integer(id))
        guard let row = rows.first else { throw BeckonError.notFound("campaign \(id)") }
        return try Self.campaign(row)
    }

    package func createEngagement(
        accountId: AccountID, campaignId: Int64, settings: EngagementSettings, at date: Date
    )
        async throws -> Engagement
    {
        let json = try JSONText.encode(settings)
        return try await database.transaction { session in
            let owner = try await session.query(
                "SELECT id FROM campaigns WHERE account_id = ? AND id = ?", .text(accountId.rawValue), .integer(campaignId))
            guard !owner.isEmpty else { throw BeckonError.notFound("campaign \(campaignId)") }
            let rows = try await session.query(
                """
                INSERT INTO engagements (account_id, campaign_id, revision, status, created_at, updated_at)
                VALUES (?, ?, 1, 'active', ?, ?) RETURNING *
                """,
                .text(accountId.rawValue), .integer(campaignId), .date(date), .date(date))
            let id = try rows[0].int("id")
            try await session.query(
                "INSERT INTO engagement_revisions (engagement_id, revision, settings, created_at) VALUES (?, 1, ?, ?)",
                .integer(id), .text(json), .date(date))
            return try Self.engagement(rows[0], settings: json)
        }
    }

    package func engagement(accountId: AccountID, id: Int64) async throws -> Engagement? {
        try await database.query(
            """
            SELECT e.*, r.settings FROM engagements e
            JOIN engagement_revisions r ON r.engagement_id = e.id AND r.revision = e.revision
            WHERE e.account_id = ? AND e.id = ?
            """,
            .text(accountId.rawValue), .integer(id)
        ).first.map { try Self.engagement($0, settings: try $0.text("settings")) }
    }

    package func engagement(accountId: AccountID, id: Int64, revision: Int) async throws -> Engagement? {
        try await database.query(
            """
            SELECT e.*, r.settings, r.revision AS shown_revision FROM engagements e
            JOIN engagement_revisions r ON r.engagement_id = e.id AND r.revision = ?
            WHERE e.account_id = ? AND e.id = ?
            """,
            .integer(Int64(revision)), .text(accountId.rawValue), .integer(id)
        ).first.map { row in
            var engagement = try Self.engagement(row, settings: try row.text("settings"))
            engagement.revision = Int(try row.int("shown_revision"))
            return engagement
        }
    }

    package func engagements(accountId: AccountID, campaignId: Int64) async throws -> [Engagement] {
        try await database.query(
            """
            SELECT e.*, r.settings FROM engagements e
            JOIN engagement_revisions r ON r.engagement_id = e.id AND r.revision = e.revision
            WHERE e.account_id = ? AND e.campaign_id = ? ORDER BY e.id
            """,
            .text(accountId.rawValue), .integer(campaignId)
        ).map { try Self.engagement($0, settings: try $0.text("settings")) }
    }

    package func updateEngagement(
        accountId: AccountID, id: Int64, settings: EngagementSettings, at date: Date
    ) async throws
        -> Engagement
    {
        let json = try JSONText.encode(settings)
        return try await database.transaction { session in
            let rows = try await session.query(
                "UPDATE engagements SET revision = revision + 1, updated_at = ? WHERE account_id = ? AND id = ? RETURNING *",
                .date(date), .text(accountId.rawValue), .integer(id))
            guard let row = rows.first else { throw BeckonError.notFound("engagement \(id)") }
            try await session.query(
                "INSERT INTO engagement_revisions (engagement_id, revision, settings, created_at) VALUES (?, ?, ?, ?)",
                .integer(id), .integer(try row.int("revision")), .text(json), .date(date))
            return try Self.engagement(row, settings: json)
        }
    }

    package func archiveEngagement(accountId: AccountID, id: Int64, at date: Date) async throws -> Engagement {
        let rows = try await database.query(
            "UPDATE engagements SET status = 'archived', updated_at = ? WHERE account_id = ? AND id = ? RETURNING id",
            .date(date), .text(accountId.rawValue), .integer(id))
        guard !rows.isEmpty, let engagement = try await engagement(accountId: accountId, id: id) else {
            throw BeckonError.notFound("engagement \(id)")
        }
        return engagement
    }

    private static func campaign(_ row: SQLRow) throws -> Campaign {
        Campaign(
            id: try row.int("id"), accountId: AccountID(trusted: try row.text("account_id")),
            revision: Int(try row.int("revision")), settings: try JSONText.decode(CampaignSettings.self, try row.text("settings")),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    private static func engagement(_ row: SQLRow, settings: String) throws -> Engagement {
        Engagement(
            id: try row.int("id"), accountId: AccountID(trusted: try row.text("account_id")),
            campaignId: try row.int("campaign_id"), revision: Int(try row.int("revision")),
            status: Engagement.Status(rawValue: try row.text("status")) ?? .active,
            settings: try JSONText.decode(EngagementSettings.self, settings), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }
}

/// Domain values stored as JSON text columns.
enum JSONText {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
