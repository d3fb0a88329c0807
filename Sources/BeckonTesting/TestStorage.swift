package import BeckonCore
package import BeckonStorage
import Foundation
package import Logging

/// Fresh, migrated storage for one test, on either backend, removed afterwards.
package enum TestStorage {
    /// Set by `scripts/test` when a throwaway PostgreSQL cluster is running.
    package static var postgresURL: String? {
        ProcessInfo.processInfo.environment["BECKON_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    package static let logger = Logger(label: "beckon.test")
    /// Storage calls' deadline in tests: long, because the test runner loads this machine far
    /// beyond production (deadlines themselves are tested with short ones of their own).
    package static let deadline = Duration.seconds(30)

    /// A new SQLite file in a temporary folder.
    package static func withSQLite<T>(_ body: (Storage, StorageConfiguration) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = StorageConfiguration(
            driver: .sqlite, sqlitePath: folder.appendingPathComponent("test.sqlite").path, deadline: deadline)
        return try await StorageFactory.open(configuration, schema: .migrate, logger: logger) { try await body($0, configuration) }
    }

    /// Runs `body` with a connection pool of one to the test cluster's default database.
    package static func withPostgresAdmin<T>(_ body: (PostgresDatabase) async throws -> T) async throws -> T {
        guard let url = postgresURL else { throw BeckonError.storageUnavailable("BECKON_TEST_POSTGRES_URL is not set") }
        let admin = try PostgresDatabase(url: url, maxConnections: 1, logger: logger)
        return try await withServices([admin.service]) {
            try await admin.checkReachable()
            return try await body(admin)
        }
    }

    /// A new schema in the test cluster, dropped afterwards.
    package static func withPostgres<T>(_ body: (Storage, StorageConfiguration) async throws -> T) async throws -> T {
        guard let url = postgresURL else { throw BeckonError.storageUnavailable("BECKON_TEST_POSTGRES_URL is not set") }
        let schema = "t_" + RandomToken.make(length: 16, alphabet: Array("abcdefghijklmnopqrstuvwxyz0123456789"))
        return try await withPostgresAdmin { admin in
            try await admin.query("CREATE SCHEMA \(schema)")
            let configuration = StorageConfiguration(
                driver: .postgres, postgresURL: url, postgresSearchPath: schema, postgresMaxConnections: 8, deadline: deadline)
            do {
                let result = try await StorageFactory.open(configuration, schema: .migrate, logger: logger) {
                    try await body($0, configuration)
                }
                _ = try? await admin.query("DROP SCHEMA \(schema) CASCADE")
                return result
            } catch {
                _ = try? await admin.query("DROP SCHEMA \(schema) CASCADE")
                throw error
            }
        }
    }

    /// Runs `body` on the named backend.
    package static func with<T>(_ backend: Backend, _ body: (Storage, StorageConfiguration) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite: try await withSQLite(body)
        case .postgres: try await withPostgres(body)
        }
    }

    package enum Backend: String, Sendable, CaseIterable {
        case sqlite
        case postgres
    }
}
