package import BeckonCore
package import Foundation

/// `APIKeyRepository` over either SQL backend. Scopes are stored space-separated.
package struct SQLAPIKeyRepository: APIKeyRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    package func create(_ key: APIKey) async throws {
        do {
            try await database.query(
                """
                INSERT INTO api_keys (id, account_id, name, scopes, bearer_secret_hash, oauth_token,
                    sealed_consumer_secret, sealed_token_secret, created_at, revoked_at, last_used_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                .text(key.id), .text(key.accountId.rawValue), .text(key.name),
                .text(key.scopes.sorted().map(\.rawValue).joined(separator: " ")), .blob(key.bearerSecretHash),
                .text(key.oauthToken), .blob(key.sealedConsumerSecret), .blob(key.sealedTokenSecret),
                .date(key.createdAt), .optionalDate(key.revokedAt), .optionalDate(key.lastUsedAt))
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(key.accountId.rawValue)
        }
    }

    package func key(id: String) async throws -> APIKey? {
        try await database.query("SELECT * FROM api_keys WHERE id = ?", .text(id)).first.map(Self.key)
    }

    package func keys(accountId: AccountID) async throws -> [APIKey] {
        try await database.query(
            "SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at, id", .text(accountId.rawValue)
        ).map(Self.key)
    }

    package func revoke(accountId: AccountID, id: String, at date: Date) async throws {
        let rows = try await database.query(
            """
            UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?)
            WHERE account_id = ? AND id = ? RETURNING id
            """,
            .date(date), .text(accountId.rawValue), .text(id))
        guard !rows.isEmpty else { throw BeckonError.notFound("API key '\(id)' in account '\(accountId)'") }
    }

    package func touch(id: String, at date: Date) async throws {
        try await database.query("UPDATE api_keys SET last_used_at = ? WHERE id = ?", .date(date), .text(id))
    }

    private static func key(_ row: SQLRow) throws -> APIKey {
        let scopes = try row.text("scopes").split(separator: " ").compactMap { Scope(rawValue: String($0)) }
        return APIKey(
            id: try row.text("id"), accountId: AccountID(trusted: try row.text("account_id")), name: try row.text("name"),
            scopes: Set(scopes), bearerSecretHash: try row.blob("bearer_secret_hash"),
            oauthToken: try row.text("oauth_token"), sealedConsumerSecret: try row.blob("sealed_consumer_secret"),
            sealedTokenSecret: try row.blob("sealed_token_secret"), createdAt: try row.date("created_at"),
            revokedAt: try row.optionalDate("revoked_at"), lastUsedAt: try row.optionalDate("last_used_at"))
    }
}
