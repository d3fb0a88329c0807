import BeckonCore
import BeckonStorage
import BeckonTesting
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
