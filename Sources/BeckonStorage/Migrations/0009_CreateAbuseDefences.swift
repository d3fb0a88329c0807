extension Migration {
    /// Abuse defences (SPEC §13). Phone numbers are never stored: `number_uses` and number blocks
    /// hold an HMAC-SHA256 of the number under one of the account's `abuse_number_keys` (sealed
    /// with the master key). `number_uses` has one row per dial authorization granted
    /// (`authorization_id` set) and per number the brand reported for a visitor. A partial index
    /// lets the abuse report read the journal's `abuse` events without touching the others.
    static let m0009CreateAbuseDefences = Migration(
        version: 9, name: "CreateAbuseDefences",
        statements: [
            """
            CREATE TABLE abuse_number_keys (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                sealed_secret {bytes} NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX abuse_number_keys_by_account ON abuse_number_keys (account_id, created_at)",
            """
            CREATE TABLE number_uses (
                account_id TEXT NOT NULL REFERENCES accounts(id),
                visitor_id TEXT NOT NULL,
                number_hash {bytes} NOT NULL,
                authorization_id TEXT UNIQUE,
                session_id TEXT,
                context_id TEXT,
                country TEXT,
                created_at BIGINT NOT NULL,
                ended_at BIGINT
            )
            """,
            "CREATE INDEX number_uses_by_number ON number_uses (account_id, number_hash, created_at)",
            "CREATE INDEX number_uses_by_visitor ON number_uses (account_id, visitor_id, created_at)",
            "CREATE INDEX number_uses_by_time ON number_uses (account_id, created_at)",
            """
            CREATE TABLE abuse_blocks (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                session_id TEXT,
                reason TEXT NOT NULL,
                country TEXT,
                created_at BIGINT NOT NULL,
                until_at BIGINT,
                lifted_at BIGINT,
                lifted_by TEXT
            )
            """,
            "CREATE INDEX abuse_blocks_by_subject ON abuse_blocks (account_id, kind, subject)",
            "CREATE INDEX abuse_blocks_by_account ON abuse_blocks (account_id, id)",
            "CREATE INDEX journal_abuse_by_time ON journal (account_id, occurred_at) WHERE kind = 'abuse'",
        ])
}
