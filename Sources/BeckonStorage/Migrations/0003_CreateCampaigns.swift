extension Migration {
    /// Campaigns and engagements. Settings are stored as JSON (their shape is the API's); the
    /// status is a column too, for filtering. Every engagement revision is kept.
    static let m0003CreateCampaigns = Migration(
        version: 3, name: "CreateCampaigns",
        statements: [
            """
            CREATE TABLE campaigns (
                id {sequence},
                account_id TEXT NOT NULL REFERENCES accounts(id),
                status TEXT NOT NULL,
                settings TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX campaigns_by_account ON campaigns (account_id, id)",
            """
            CREATE TABLE engagements (
                id {sequence},
                account_id TEXT NOT NULL REFERENCES accounts(id),
                campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
                revision INTEGER NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX engagements_by_campaign ON engagements (account_id, campaign_id, id)",
            """
            CREATE TABLE engagement_revisions (
                engagement_id BIGINT NOT NULL REFERENCES engagements(id),
                revision INTEGER NOT NULL,
                settings TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (engagement_id, revision)
            )
            """,
        ])
}
