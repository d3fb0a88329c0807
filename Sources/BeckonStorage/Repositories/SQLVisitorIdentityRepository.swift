package import BeckonCore
package import Foundation

/// `VisitorIdentityRepository` over either SQL backend; hashes are stored as base64url text.
package struct SQLVisitorIdentityRepository: VisitorIdentityRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    package func visitor(accountId: AccountID, hashes: [[UInt8]]) async throws -> String? {
        guard !hashes.isEmpty else { return nil }
        let placeholders = Array(repeating: "?", count: hashes.count).joined(separator: ", ")
        return try await database.query(
            """
            SELECT visitor_id FROM visitor_identities WHERE account_id = ? AND identity_hash IN (\(placeholders))
            ORDER BY seen_at DESC LIMIT 1
            """, [.text(accountId.rawValue)] + hashes.map { .text(Base64URL.encode($0)) }
        ).first.map { try $0.text("visitor_id") }
    }

    package func remember(accountId: AccountID, hash: [UInt8], visitorId: String, at: Date) async throws {
        try await database.query(
            """
            INSERT INTO visitor_identities (account_id, identity_hash, visitor_id, seen_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (account_id, identity_hash) DO UPDATE SET visitor_id = excluded.visitor_id, seen_at = excluded.seen_at
            """, .text(accountId.rawValue), .text(Base64URL.encode(hash)), .text(visitorId), .date(at))
    }

    package func forget(accountId: AccountID, visitorId: String) async throws -> Int {
        try await database.query(
            "DELETE FROM visitor_identities WHERE account_id = ? AND visitor_id = ? RETURNING identity_hash",
            .text(accountId.rawValue), .text(visitorId)
        ).count
    }
}
