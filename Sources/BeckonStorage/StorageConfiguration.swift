import BeckonCore
import Logging

/// Which database to use and where.
public struct StorageConfiguration: Sendable, Equatable {
    public enum Driver: String, Sendable, CaseIterable {
        case sqlite
        case postgres
    }

    public var driver: Driver
    /// The SQLite database file (driver `sqlite`).
    public var sqlitePath: String
    /// `postgres://user:password@host:port/database` (driver `postgres`).
    public var postgresURL: String?
    /// A schema to use on PostgreSQL instead of the user's default `search_path` (tests).
    public var postgresSearchPath: String?
    public var postgresMaxConnections: Int
    /// How long any one statement or transaction may take, waiting for a connection included
    /// (SPEC §13a: a request that needs an unreachable database answers 503 within 2 s).
    public var deadline: Duration

    public init(
        driver: Driver = .sqlite, sqlitePath: String = "./data/beckon.sqlite", postgresURL: String? = nil,
        postgresSearchPath: String? = nil, postgresMaxConnections: Int = 20, deadline: Duration = .milliseconds(1500)
    ) {
        self.deadline = deadline
        self.driver = driver
        self.sqlitePath = sqlitePath
        self.postgresURL = postgresURL
        self.postgresSearchPath = postgresSearchPath
        self.postgresMaxConnections = postgresMaxConnections
    }
}

/// Opens the configured database and builds the repositories over it.
public enum StorageFactory {
    /// How `open` treats an old schema.
    public enum SchemaPolicy: Sendable {
        /// Apply pending migrations (a single SQLite node owns its file).
        case migrate
        /// Refuse with `.schemaBehind` (PostgreSQL nodes: `beckon migrate` is a separate step).
        case requireCurrent
    }

    /// Opens the configured database; `deadlines` bounds every call by `configuration.deadline`
    /// (off for `beckon migrate`, whose statements may rightly take long).
    public static func openDatabase(
        _ configuration: StorageConfiguration, deadlines: Bool = true, logger: Logger
    ) async throws
        -> any SQLDatabase
    {
        let database = try await openBase(configuration, deadlines: deadlines, logger: logger)
        return deadlines ? DeadlineDatabase(database, deadline: configuration.deadline) : database
    }

    private static func openBase(
        _ configuration: StorageConfiguration, deadlines: Bool, logger: Logger
    ) async throws
        -> any SQLDatabase
    {
        switch configuration.driver {
        case .sqlite:
            return try await SQLiteDatabase.open(path: configuration.sqlitePath, logger: logger)
        case .postgres:
            guard let url = configuration.postgresURL, !url.isEmpty else {
                throw BeckonError.invalidInput(
                    field: "storage.postgres.url", reason: "is required when storage.driver is postgres")
            }
            return try await PostgresDatabase.open(
                url: url, searchPath: configuration.postgresSearchPath,
                maxConnections: configuration.postgresMaxConnections,
                statementTimeout: deadlines ? configuration.deadline : nil, logger: logger)
        }
    }

    /// Opens the database, applies the schema policy and returns the repositories.
    public static func open(
        _ configuration: StorageConfiguration, schema: SchemaPolicy, logger: Logger
    ) async throws
        -> Storage
    {
        let database = try await openDatabase(configuration, logger: logger)
        do {
            // Migrations run without the deadline: a new index on a big table takes its time.
            let migrator = Migrator(database: (database as? DeadlineDatabase)?.base ?? database)
            switch schema {
            case .migrate: try await migrator.migrate()
            case .requireCurrent: try await migrator.requireCurrent()
            }
        } catch {
            try? await database.close()
            throw error
        }
        return storage(over: database)
    }

    public static func storage(over database: any SQLDatabase) -> Storage {
        Storage(
            accounts: SQLAccountRepository(database: database), sites: SQLSiteRepository(database: database),
            apiKeys: SQLAPIKeyRepository(database: database),
            campaigns: SQLCampaignRepository(database: database), clickKeys: SQLClickKeyRepository(database: database),
            journal: SQLJournalStore(database: database), rollups: SQLRollupRepository(database: database),
            consoleSessions: SQLConsoleSessionRepository(database: database), abuse: SQLAbuseRepository(database: database),
            authState: SQLAuthStateRepository(database: database),
            ping: { try await database.query("SELECT 1 AS ok") }, close: { try await database.close() })
    }
}
