import Foundation

/// One numbered, append-only change to the schema. Never edit a released migration: add one.
///
/// Statements are shared by both backends; the few type names that differ are written as
/// placeholders: `{bytes}` (BLOB / BYTEA) and `{sequence}` (an auto-increasing 64-bit primary
/// key).
package struct Migration: Sendable {
    package var version: Int
    package var name: String
    package var statements: [String]
    /// Run after `statements` on PostgreSQL only (what SQLite has no use for: triggers that
    /// announce changes to other nodes).
    package var postgresOnly: [String]

    package init(version: Int, name: String, statements: [String], postgresOnly: [String] = []) {
        self.version = version
        self.name = name
        self.statements = statements
        self.postgresOnly = postgresOnly
    }

    func statements(for dialect: SQLDialect) -> [String] {
        (dialect == .postgres ? statements + postgresOnly : statements).map { statement in
            switch dialect {
            case .sqlite:
                statement.replacingOccurrences(of: "{bytes}", with: "BLOB")
                    .replacingOccurrences(of: "{sequence}", with: "INTEGER PRIMARY KEY AUTOINCREMENT")
            case .postgres:
                statement.replacingOccurrences(of: "{bytes}", with: "BYTEA")
                    .replacingOccurrences(of: "{sequence}", with: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
            }
        }
    }
}

extension Migration {
    /// Every migration of this build, in order.
    package static let all: [Migration] = [
        .m0001CreateAccounts,
        .m0002CreateJournal,
        .m0003CreateCampaigns,
        .m0004AddAccountSettings,
        .m0005AddSiteDebugKey,
        .m0006CreateClickSigningKeys,
        .m0007CreateReportRollups,
        .m0008CreateConsoleSessions,
        .m0009CreateAbuseDefences,
        .m0010CreateAuthState,
        .m0011CreateVisitorIdentities,
        .m0012AddCampaignRevision,
        .m0013AnnounceConfigurationChanges,
        .m0014AddVisitorSequence,
        .m0015CreateWebhooks,
    ]

    package static var latestVersion: Int { all.last?.version ?? 0 }
}
