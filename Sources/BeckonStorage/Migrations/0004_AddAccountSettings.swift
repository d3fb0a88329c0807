extension Migration {
    /// Account settings (caps, control group, cross-session window, attribution, retention) as
    /// JSON; NULL means the defaults. Time zone and currency keep their own columns.
    static let m0004AddAccountSettings = Migration(
        version: 4, name: "AddAccountSettings",
        statements: ["ALTER TABLE accounts ADD COLUMN settings TEXT"])
}
