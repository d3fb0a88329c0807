package import BeckonCore
import Foundation

/// `ClickKeyRepository` over either SQL backend.
package struct SQLClickKeyRepository: ClickKeyRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    package func create(_ key: ClickSigningKey) async throws {
        do {
            try await database.query(
                """
                INSERT INTO click_signing_keys (id, account_id, generation, public_key, sealed_private_key, created_at)
                VALUES (?, ?, (SELECT COALESCE(MAX(generation), 0) + 1 FROM click_signing_keys WHERE account_id = ?), ?, ?, ?)
                """,
                .text(key.id), .text(key.accountId.rawValue), .text(key.accountId.rawValue), .blob(key.publicKey),
                .blob(key.sealedPrivateKey), .date(key.createdAt))
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(key.accountId.rawValue)
        } catch SQLFailure.uniqueViolation {
            throw BeckonError.conflict("a click-signing key was created concurrently")
        }
    }

    package func keys(accountId: AccountID) async throws -> [ClickSigningKey] {
        try await database.query(
            "SELECT * FROM click_signing_keys WHERE account_id = ? ORDER BY generation DESC", .text(accountId.rawValue)
        ).map { row in
            ClickSigningKey(
                id: try row.text("id"), accountId: AccountID(trusted: try row.text("account_id")),
                publicKey: try row.blob("public_key"), sealedPrivateKey: try row.blob("sealed_private_key"),
                createdAt: try row.date("created_at"))
        }
    }
}
