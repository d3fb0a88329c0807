import BeckonCore
import BeckonStorage
import BeckonTesting
import Foundation
import Testing

@Suite struct SQLiteStorageContractTests {
    @Test(arguments: StorageContract.checks)
    func sqlite(_ check: StorageContractCheck) async throws {
        try await TestStorage.withSQLite(check.run)
    }
}

/// Runs when `scripts/test` has started a throwaway cluster and set `BECKON_TEST_POSTGRES_URL`.
@Suite(.enabled(if: TestStorage.postgresURL != nil, "needs BECKON_TEST_POSTGRES_URL"))
struct PostgreSQLStorageContractTests {
    @Test(arguments: StorageContract.checks)
    func postgres(_ check: StorageContractCheck) async throws {
        try await TestStorage.withPostgres(check.run)
    }
}

@Suite struct SchemaPolicyTests {
    @Test func openingWithRequireCurrentRefusesAnUnmigratedDatabase() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = StorageConfiguration(sqlitePath: folder.appendingPathComponent("db.sqlite").path)
        await #expect(throws: BeckonError.schemaBehind(current: 0, required: Migration.latestVersion)) {
            try await StorageFactory.connect(configuration, schema: .requireCurrent, logger: TestStorage.logger)
        }
        try await StorageFactory.open(configuration, schema: .migrate, logger: TestStorage.logger) { _ in }
        try await StorageFactory.open(configuration, schema: .requireCurrent, logger: TestStorage.logger) { try await $0.ping() }
    }

    @Test func aNewerSchemaIsRefusedToo() async throws {
        try await TestStorage.withSQLite { _, configuration in
            try await StorageFactory.withDatabase(configuration, logger: TestStorage.logger) { database in
                try await database.query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'FromTheFuture', 0)",
                    .integer(Int64(Migration.latestVersion + 1)))
                await #expect(throws: BeckonError.schemaAhead(current: Migration.latestVersion + 1, known: Migration.latestVersion)) {
                    try await Migrator(database: database).requireCurrent()
                }
            }
        }
    }
}
