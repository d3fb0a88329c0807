extension Migration {
    /// Authentication state shared by every node (SPEC §13a): OAuth 1.0a nonces until their
    /// timestamp window ends, and console sign-in attempts per hashed email and address.
    static let m0010CreateAuthState = Migration(
        version: 10, name: "CreateAuthState",
        statements: [
            "CREATE TABLE oauth_nonces (nonce_key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)",
            "CREATE INDEX oauth_nonces_by_expiry ON oauth_nonces (expires_at)",
            "CREATE TABLE sign_in_attempts (throttle_key TEXT PRIMARY KEY, attempts INTEGER NOT NULL, last_at BIGINT NOT NULL)",
            "CREATE INDEX sign_in_attempts_by_time ON sign_in_attempts (last_at)",
        ])
}
