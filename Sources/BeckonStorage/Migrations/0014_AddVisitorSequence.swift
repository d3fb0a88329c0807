extension Migration {
    /// Each event made from a node's copy of a visitor takes the next place in that visitor's
    /// history (SPEC §14), and a place holds one event: a copy that missed another node's writes
    /// cannot add to the history, so a click is never validated twice, a status never moves back
    /// and a context id is never issued twice, whichever node answers. Older events have none
    /// (NULLs never collide). The unique index replaces `journal_by_visitor`: it serves the same
    /// reads (a visitor's events), so an append maintains as many indexes as before.
    static let m0014AddVisitorSequence = Migration(
        version: 14, name: "AddVisitorSequence",
        statements: [
            "ALTER TABLE journal ADD COLUMN visitor_seq BIGINT",
            "CREATE UNIQUE INDEX journal_visitor_places ON journal (account_id, visitor_id, visitor_seq)",
            "DROP INDEX journal_by_visitor",
        ])
}
