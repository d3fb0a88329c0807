extension Migration {
    /// A campaign's revision, counted up on every change as an engagement's is, so Visit
    /// Information can answer LivePerson's `campaignEntity.revision` (SPEC §5).
    static let m0012AddCampaignRevision = Migration(
        version: 12, name: "AddCampaignRevision",
        statements: ["ALTER TABLE campaigns ADD COLUMN revision INTEGER NOT NULL DEFAULT 1"])
}
