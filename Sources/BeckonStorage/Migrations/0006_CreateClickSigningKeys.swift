extension Migration {
    /// Per-account Ed25519 key pairs for click tokens (SPEC §5). The private key is sealed under
    /// the master key. `generation` orders an account's keys (rotation adds one); it is unique
    /// so two nodes creating an account's first key at once cannot both succeed.
    static let m0006CreateClickSigningKeys = Migration(
        version: 6, name: "CreateClickSigningKeys",
        statements: [
            """
            CREATE TABLE click_signing_keys (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                generation INTEGER NOT NULL,
                public_key {bytes} NOT NULL,
                sealed_private_key {bytes} NOT NULL,
                created_at BIGINT NOT NULL,
                UNIQUE (account_id, generation)
            )
            """
        ])
}
