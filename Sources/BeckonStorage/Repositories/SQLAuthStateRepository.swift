package import BeckonCore
package import Foundation

/// `AuthStateRepository` over either SQL backend. A nonce claim is one upsert that only
/// overwrites an expired row; an attempt is counted by an upsert per key that only counts while
/// the key is under its limit (PostgreSQL takes the row's lock, so parallel attempts queue), all
/// keys in one transaction that is rolled back when one key refuses.
package struct SQLAuthStateRepository: AuthStateRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    package func claimNonce(_ key: String, expiresAt: Date, now: Date) async throws -> Bool {
        try await !database.query(
            """
            INSERT INTO oauth_nonces (nonce_key, expires_at) VALUES (?, ?)
            ON CONFLICT (nonce_key) DO UPDATE SET expires_at = excluded.expires_at WHERE oauth_nonces.expires_at <= ?
            RETURNING nonce_key
            """, .text(key), .date(expiresAt), .date(now)
        ).isEmpty
    }

    package func deleteExpiredNonces(now: Date) async throws {
        try await database.query("DELETE FROM oauth_nonces WHERE expires_at <= ?", .date(now))
    }

    /// Thrown inside the transaction to roll back the keys already counted.
    private struct Refused: Error { var wait: TimeInterval }

    package func countAttempt(_ limits: [AttemptLimit], window: TimeInterval, now: Date) async throws -> TimeInterval? {
        let windowStart = SQLValue.date(now.addingTimeInterval(-window))
        do {
            try await database.transaction { tx in
                for limit in limits {
                    let counted = try await tx.query(
                        """
                        INSERT INTO sign_in_attempts (throttle_key, attempts, last_at) VALUES (?, 1, ?)
                        ON CONFLICT (throttle_key) DO UPDATE SET
                            attempts = CASE WHEN sign_in_attempts.last_at <= ? THEN 1 ELSE sign_in_attempts.attempts + 1 END,
                            last_at = excluded.last_at
                        WHERE sign_in_attempts.last_at <= ? OR sign_in_attempts.attempts < ?
                        RETURNING attempts
                        """, .text(limit.key), .date(now), windowStart, windowStart, .integer(Int64(limit.limit)))
                    guard counted.isEmpty else { continue }
                    let last =
                        try await tx.query("SELECT last_at FROM sign_in_attempts WHERE throttle_key = ?", .text(limit.key))
                        .first.map { try $0.date("last_at") } ?? now
                    throw Refused(wait: max(1, window - now.timeIntervalSince(last)))
                }
            }
            return nil
        } catch let refused as Refused {
            return refused.wait
        }
    }

    package func forgiveAttempt(clearing: [String], uncounting: [String]) async throws {
        try await database.transaction { tx in
            for key in clearing {
                try await tx.query("DELETE FROM sign_in_attempts WHERE throttle_key = ?", .text(key))
            }
            for key in uncounting {
                try await tx.query(
                    "UPDATE sign_in_attempts SET attempts = attempts - 1 WHERE throttle_key = ? AND attempts > 0", .text(key))
            }
        }
    }

    package func deleteStaleAttempts(before: Date) async throws {
        try await database.query("DELETE FROM sign_in_attempts WHERE last_at <= ?", .date(before))
    }
}
