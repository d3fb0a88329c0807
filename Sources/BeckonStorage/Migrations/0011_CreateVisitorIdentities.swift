extension Migration {
    /// Keyed hashes of the identities brands send (LivePerson's `identities` and `consumerId`),
    /// with the visitor each was last seen with (SPEC §4).
    static let m0011CreateVisitorIdentities = Migration(
        version: 11, name: "CreateVisitorIdentities",
        statements: [
            """
            CREATE TABLE visitor_identities (
                account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                identity_hash TEXT NOT NULL,
                visitor_id TEXT NOT NULL,
                seen_at BIGINT NOT NULL,
                PRIMARY KEY (account_id, identity_hash)
            )
            """,
            "CREATE INDEX visitor_identities_by_visitor ON visitor_identities (account_id, visitor_id)",
        ])
}
