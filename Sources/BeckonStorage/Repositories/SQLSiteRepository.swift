package import BeckonCore
import Foundation

/// `SiteRepository` over either SQL backend. Allowed origins are stored as a JSON array.
package struct SQLSiteRepository: SiteRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    package func create(_ site: Site) async throws {
        let origins = String(decoding: try JSONEncoder().encode(site.allowedOrigins), as: UTF8.self)
        do {
            try await database.query(
                "INSERT INTO sites (id, account_id, name, allowed_origins, debug_key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                .text(site.id), .text(site.accountId.rawValue), .text(site.name), .text(origins), .blob(site.debugKeyHash),
                .date(site.createdAt))
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(site.accountId.rawValue)
        }
    }

    package func site(accountId: AccountID, id: String) async throws -> Site? {
        try await database.query(
            "SELECT * FROM sites WHERE account_id = ? AND id = ?", .text(accountId.rawValue), .text(id)
        ).first.map(Self.site)
    }

    package func sites(accountId: AccountID) async throws -> [Site] {
        try await database.query(
            "SELECT * FROM sites WHERE account_id = ? ORDER BY created_at, id", .text(accountId.rawValue)
        ).map(Self.site)
    }

    private static func site(_ row: SQLRow) throws -> Site {
        let origins = try JSONDecoder().decode([String].self, from: Data(try row.text("allowed_origins").utf8))
        return Site(
            id: try row.text("id"), accountId: AccountID(trusted: try row.text("account_id")), name: try row.text("name"),
            allowedOrigins: origins, debugKeyHash: try row.optionalBlob("debug_key_hash") ?? [], createdAt: try row.date("created_at"))
    }
}
