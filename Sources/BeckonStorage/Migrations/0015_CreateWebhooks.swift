extension Migration {
    /// Webhooks (SPEC §12): the brands' endpoints (secrets sealed with the master key), the
    /// outbox — one row per message and endpoint, with its attempts and next attempt — and how
    /// far the journal has been turned into messages. Deliveries name their visitor, so erasing the
    /// visitor erases them too. The progress starts at the journal's end:
    /// events from before the upgrade had no endpoint to go to.
    static let m0015CreateWebhooks = Migration(
        version: 15, name: "CreateWebhooks",
        statements: [
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                url TEXT NOT NULL,
                events TEXT NOT NULL,
                description TEXT,
                include_personal_data INTEGER NOT NULL,
                enabled INTEGER NOT NULL,
                disabled_reason TEXT,
                sealed_secret {bytes} NOT NULL,
                sealed_previous_secret {bytes},
                previous_secret_expires_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                failing_since BIGINT
            )
            """,
            "CREATE INDEX webhook_endpoints_by_account ON webhook_endpoints (account_id, enabled)",
            """
            CREATE TABLE webhook_deliveries (
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
                message_id TEXT NOT NULL,
                account_id TEXT NOT NULL,
                visitor_id TEXT,
                event_type TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                data TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts TEXT NOT NULL,
                attempt_count INTEGER NOT NULL,
                next_attempt_at BIGINT,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (endpoint_id, message_id)
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending'",
            "CREATE INDEX webhook_deliveries_due_by_endpoint ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE state = 'pending'",
            "CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at, message_id)",
            "CREATE INDEX webhook_deliveries_by_visitor ON webhook_deliveries (account_id, visitor_id)",
            "CREATE TABLE webhook_progress (name TEXT PRIMARY KEY, sequence BIGINT NOT NULL)",
            "INSERT INTO webhook_progress (name, sequence) SELECT 'journal', COALESCE(MAX(sequence), 0) FROM journal",
        ])
}
