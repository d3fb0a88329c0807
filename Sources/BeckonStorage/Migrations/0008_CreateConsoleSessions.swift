extension Migration {
    /// Console sign-ins (SPEC §9): the SHA-256 of the cookie's token, never the token; the CSRF
    /// token the console sends back on changes.
    static let m0008CreateConsoleSessions = Migration(
        version: 8, name: "CreateConsoleSessions",
        statements: [
            """
            CREATE TABLE console_sessions (
                token_hash {bytes} PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                user_id TEXT NOT NULL,
                email TEXT NOT NULL,
                role TEXT NOT NULL,
                csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at)",
        ])
}
