extension Migration {
    /// The append-only event journal. No foreign key to `accounts`: appends are the hot path and
    /// the account was checked when the request came in.
    static let m0002CreateJournal = Migration(
        version: 2, name: "CreateJournal",
        statements: [
            """
            CREATE TABLE journal (
                sequence {sequence},
                account_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                visitor_id TEXT,
                session_id TEXT,
                payload TEXT NOT NULL
            )
            """,
            "CREATE INDEX journal_by_account_time ON journal (account_id, occurred_at, sequence)",
            "CREATE INDEX journal_by_visitor ON journal (account_id, visitor_id, sequence)",
        ])
}
