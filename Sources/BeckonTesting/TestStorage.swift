import BeckonCore
import BeckonStorage
import Foundation
import Logging

/// Fresh, migrated storage for one test, on either backend, removed afterwards.
public enum TestStorage {
    /// Set by `scripts/test` when a throwaway PostgreSQL cluster is running.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["BECKON_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static let logger = Logger(label: "beckon.test")
    /// Storage calls' deadline in tests: long, because the test runner loads this machine far
    /// beyond production (deadlines themselves are tested with short ones of their own).
    public static let deadline = Duration.seconds(30)

    /// A new SQLite file in a temporary folder.
    public static func withSQLite<T>(_ body: (Storage, StorageConfiguration) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = StorageConfiguration(
            driver: .sqlite, sqlitePath: folder.appendingPathComponent("test.sqlite").path, deadline: deadline)
        let storage = try await StorageFactory.open(configuration, schema: .migrate, logger: logger)
        do {
            let result = try await body(storage, configuration)
            try await storage.close()
            return result
        } catch {
            try? await storage.close()
            throw error
        }
    }

    /// A new schema in the test cluster, dropped afterwards.
    public static func withPostgres<T>(_ body: (Storage, StorageConfiguration) async throws -> T) async throws -> T {
        guard let url = postgresURL else { throw BeckonError.storageUnavailable("BECKON_TEST_POSTGRES_URL is not set") }
        let schema = "t_" + RandomToken.make(length: 16, alphabet: Array("abcdefghijklmnopqrstuvwxyz0123456789"))
        let admin = try await PostgresDatabase.open(url: url, maxConnections: 1, logger: logger)
        try await admin.query("CREATE SCHEMA \(schema)")
        let configuration = StorageConfiguration(
            driver: .postgres, postgresURL: url, postgresSearchPath: schema, postgresMaxConnections: 8, deadline: deadline)
        func dropSchema() async {
            _ = try? await admin.query("DROP SCHEMA \(schema) CASCADE")
            try? await admin.close()
        }
        let storage: Storage
        do {
            storage = try await StorageFactory.open(configuration, schema: .migrate, logger: logger)
        } catch {
            await dropSchema()
            throw error
        }
        do {
            let result = try await body(storage, configuration)
            try await storage.close()
            await dropSchema()
            return result
        } catch {
            try? await storage.close()
            await dropSchema()
            throw error
        }
    }

    /// Runs `body` on the named backend.
    public static func with<T>(_ backend: Backend, _ body: (Storage, StorageConfiguration) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite: try await withSQLite(body)
        case .postgres: try await withPostgres(body)
        }
    }

    public enum Backend: String, Sendable, CaseIterable {
        case sqlite
        case postgres
    }
}
