extension Migration {
    /// Each site's debug key, stored as a SHA-256 hash (the key is 192 random bits).
    static let m0005AddSiteDebugKey = Migration(
        version: 5, name: "AddSiteDebugKey",
        statements: ["ALTER TABLE sites ADD COLUMN debug_key_hash {bytes}"])
}
