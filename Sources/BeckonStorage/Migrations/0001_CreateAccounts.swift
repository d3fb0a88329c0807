extension Migration {
    /// Accounts, their console users, sites and API keys. Times are milliseconds since 1970.
    static let m0001CreateAccounts = Migration(
        version: 1, name: "CreateAccounts",
        statements: [
            """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                time_zone TEXT NOT NULL,
                currency TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE console_users (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                email TEXT NOT NULL,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                UNIQUE (account_id, email)
            )
            """,
            """
            CREATE TABLE sites (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                name TEXT NOT NULL,
                allowed_origins TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX sites_by_account ON sites (account_id)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                name TEXT NOT NULL,
                scopes TEXT NOT NULL,
                bearer_secret_hash {bytes} NOT NULL,
                oauth_token TEXT NOT NULL UNIQUE,
                sealed_consumer_secret {bytes} NOT NULL,
                sealed_token_secret {bytes} NOT NULL,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT,
                last_used_at BIGINT
            )
            """,
            "CREATE INDEX api_keys_by_account ON api_keys (account_id)",
        ])
}
