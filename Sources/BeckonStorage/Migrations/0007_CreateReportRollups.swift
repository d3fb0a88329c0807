extension Migration {
    /// Hourly funnel rollups (SPEC §10), built from the journal by the rollup service. A row is
    /// one local hour of the account (`hour_start` the instant it began, `day` and `hour` its
    /// local date and hour) at one level: the account (campaign 0), a campaign (engagement 0) or
    /// an engagement revision with its placement. `report_not_shown` holds the decision outcomes
    /// per reason with the same key; `report_progress` the last journal sequence counted;
    /// `report_facts` the reported attributes (and displays) custom reports read, by type.
    static let m0007CreateReportRollups = Migration(
        version: 7, name: "CreateReportRollups",
        statements: [
            """
            CREATE TABLE report_rollups (
                account_id TEXT NOT NULL,
                level INTEGER NOT NULL,
                hour_start BIGINT NOT NULL,
                day TEXT NOT NULL,
                hour INTEGER NOT NULL,
                campaign_id BIGINT NOT NULL,
                engagement_id BIGINT NOT NULL,
                revision INTEGER NOT NULL,
                placement TEXT NOT NULL,
                visits BIGINT NOT NULL,
                page_views BIGINT NOT NULL,
                prospects BIGINT NOT NULL,
                exposed BIGINT NOT NULL,
                exposures BIGINT NOT NULL,
                engagement_views BIGINT NOT NULL,
                clicks BIGINT NOT NULL,
                engaged BIGINT NOT NULL,
                calls_requested BIGINT NOT NULL,
                calls_connected BIGINT NOT NULL,
                calls_completed BIGINT NOT NULL,
                goals_reached BIGINT NOT NULL,
                conversions BIGINT NOT NULL,
                cross_session_conversions BIGINT NOT NULL,
                cross_session_conversions_after_engagement BIGINT NOT NULL,
                control_group_visits BIGINT NOT NULL,
                control_group_conversions BIGINT NOT NULL,
                revenue_millis BIGINT NOT NULL,
                PRIMARY KEY (account_id, level, hour_start, campaign_id, engagement_id, revision, placement)
            )
            """,
            """
            CREATE TABLE report_not_shown (
                account_id TEXT NOT NULL,
                level INTEGER NOT NULL,
                hour_start BIGINT NOT NULL,
                day TEXT NOT NULL,
                hour INTEGER NOT NULL,
                campaign_id BIGINT NOT NULL,
                engagement_id BIGINT NOT NULL,
                revision INTEGER NOT NULL,
                placement TEXT NOT NULL,
                reason TEXT NOT NULL,
                visits BIGINT NOT NULL,
                PRIMARY KEY (account_id, level, hour_start, campaign_id, engagement_id, revision, placement, reason)
            )
            """,
            """
            CREATE TABLE report_facts (
                account_id TEXT NOT NULL,
                type TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                sequence BIGINT NOT NULL,
                visitor_id TEXT NOT NULL,
                session_id TEXT NOT NULL,
                campaign_id BIGINT,
                payload TEXT,
                PRIMARY KEY (account_id, type, occurred_at, sequence)
            )
            """,
            "CREATE TABLE report_progress (name TEXT PRIMARY KEY, sequence BIGINT NOT NULL)",
            "INSERT INTO report_progress (name, sequence) VALUES ('rollups', 0)",
        ])
}
