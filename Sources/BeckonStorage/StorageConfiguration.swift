package import BeckonCore
import Foundation
package import Logging
package import ServiceLifecycle

/// Which database to use and where.
package struct StorageConfiguration: Sendable, Equatable {
    package enum Driver: String, Sendable, CaseIterable {
        case sqlite
        case postgres
    }

    package var driver: Driver
    /// The SQLite database file (driver `sqlite`).
    package var sqlitePath: String
    /// `postgres://user:password@host:port/database` (driver `postgres`).
    package var postgresURL: String?
    /// A schema to use on PostgreSQL instead of the user's default `search_path` (tests).
    package var postgresSearchPath: String?
    package var postgresMaxConnections: Int
    /// How long any one statement or transaction may take, waiting for a connection included
    /// (SPEC §13a: a request that needs an unreachable database answers 503 within 2 s).
    package var deadline: Duration
    /// This process among the nodes sharing a PostgreSQL database (`cluster.nodeId`): the
    /// connections' `application_name`, the sender of its notifications, the holder of its locks.
    package var nodeId: String
    /// How the node hears the others (PostgreSQL).
    package var relay: PostgresChangeRelay.Settings

    package init(
        driver: Driver = .sqlite, sqlitePath: String = "./data/beckon.sqlite", postgresURL: String? = nil,
        postgresSearchPath: String? = nil, postgresMaxConnections: Int = 20, deadline: Duration = .milliseconds(1500),
        nodeId: String = StorageConfiguration.defaultNodeId(), relay: PostgresChangeRelay.Settings = .init()
    ) {
        self.deadline = deadline
        self.nodeId = Self.sanitized(nodeId)
        self.relay = relay
        self.driver = driver
        self.sqlitePath = sqlitePath
        self.postgresURL = postgresURL
        self.postgresSearchPath = postgresSearchPath
        self.postgresMaxConnections = postgresMaxConnections
    }
}

extension StorageConfiguration {
    /// `<host>-<process id>`: unique among nodes on different hosts and among processes on one.
    package static func defaultNodeId() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Letters, digits, `.`, `_` and `-` (a notification separates fields by spaces), at most 60
    /// characters (PostgreSQL keeps 63 of an `application_name`).
    static func sanitized(_ nodeId: String) -> String {
        let kept = String(nodeId.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }.prefix(60))
        return kept.isEmpty ? "node" : kept
    }
}

/// Opens the configured database and builds the repositories over it.
package enum StorageFactory {
    /// How `open` treats an old schema.
    package enum SchemaPolicy: Sendable {
        /// Apply pending migrations (a single SQLite node owns its file).
        case migrate
        /// Refuse with `.schemaBehind` (PostgreSQL nodes: `beckon migrate` is a separate step).
        case requireCurrent
    }

    /// Connects to the configured database and builds the repositories over it. SQLite is opened
    /// and its schema prepared here. PostgreSQL's connection pool is `storage.services` — run it
    /// in the service group (`buildApplication` does) or use `open(_:schema:logger:_:)` — and
    /// `storage.prepare()` checks the server answers and applies `schema` once it runs.
    package static func connect(_ configuration: StorageConfiguration, schema: SchemaPolicy, logger: Logger) async throws -> Storage {
        let (base, services) = try await connectBase(configuration, deadlines: true, logger: logger)
        let database = DeadlineDatabase(base, deadline: configuration.deadline)
        @Sendable func prepare() async throws {
            try await (base as? PostgresDatabase)?.checkReachable()
            // Migrations run without the deadline: a new index on a big table takes its time.
            let migrator = Migrator(database: base)
            switch schema {
            case .migrate: try await migrator.migrate()
            case .requireCurrent: try await migrator.requireCurrent()
            }
        }
        var storage = storage(over: database)
        let relay = (base as? PostgresDatabase).map { postgres in
            PostgresChangeRelay(
                database: postgres, node: configuration.nodeId, changes: storage.changes, claims: storage.claims,
                settings: configuration.relay, logger: logger)
        }
        storage.services = services + (relay.map { [$0] } ?? [])
        if let postgres = base as? PostgresDatabase {
            storage.runOnce = PostgresRunOnceLock(database: postgres, node: configuration.nodeId, logger: logger)
        }
        if let relay { storage.hearsOtherNodes = { relay.isListening } }
        @Sendable func prepareAndListen() async throws {
            try await prepare()
            // A node that cannot hear the others must not serve: it would answer from stale caches.
            guard let relay else { return }
            guard await relay.waitUntilListening(within: .seconds(10)) else {
                throw BeckonError.storageUnavailable("cannot listen for changes from the other nodes (PostgreSQL LISTEN)")
            }
        }
        if services.isEmpty {
            do {
                try await prepare()
            } catch {
                try? await database.close()
                throw error
            }
        } else {
            storage.prepare = prepareAndListen
        }
        return storage
    }

    /// Runs `body` with the configured storage, its schema prepared and its services running;
    /// closes it afterwards (a command's or a test's whole life).
    package static func open<T>(
        _ configuration: StorageConfiguration, schema: SchemaPolicy, logger: Logger, _ body: (Storage) async throws -> T
    ) async throws -> T {
        let storage = try await connect(configuration, schema: schema, logger: logger)
        do {
            let result = try await withServices(storage.services) {
                try await storage.prepare()
                return try await body(storage)
            }
            try await storage.close()
            return result
        } catch {
            try? await storage.close()
            throw error
        }
    }

    /// Runs `body` with the configured database (no deadlines: `beckon migrate`), its services
    /// running and reachability checked.
    package static func withDatabase<T>(
        _ configuration: StorageConfiguration, logger: Logger, _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let (database, services) = try await connectBase(configuration, deadlines: false, logger: logger)
        do {
            let result = try await withServices(services) {
                try await (database as? PostgresDatabase)?.checkReachable()
                return try await body(database)
            }
            try await database.close()
            return result
        } catch {
            try? await database.close()
            throw error
        }
    }

    private static func connectBase(
        _ configuration: StorageConfiguration, deadlines: Bool, logger: Logger
    ) async throws
        -> (any SQLDatabase, [any Service])
    {
        switch configuration.driver {
        case .sqlite:
            return (try await SQLiteDatabase.open(path: configuration.sqlitePath, logger: logger), [])
        case .postgres:
            guard let url = configuration.postgresURL, !url.isEmpty else {
                throw BeckonError.invalidInput(
                    field: "storage.postgres.url", reason: "is required when storage.driver is postgres")
            }
            let database = try PostgresDatabase(
                url: url, searchPath: configuration.postgresSearchPath,
                maxConnections: configuration.postgresMaxConnections,
                statementTimeout: deadlines ? configuration.deadline : nil, applicationName: configuration.nodeId, logger: logger)
            return (database, [database.service])
        }
    }

    package static func storage(over database: any SQLDatabase) -> Storage {
        Storage(
            accounts: SQLAccountRepository(database: database), sites: SQLSiteRepository(database: database),
            apiKeys: SQLAPIKeyRepository(database: database),
            campaigns: SQLCampaignRepository(database: database), clickKeys: SQLClickKeyRepository(database: database),
            journal: SQLJournalStore(database: database), rollups: SQLRollupRepository(database: database),
            consoleSessions: SQLConsoleSessionRepository(database: database), abuse: SQLAbuseRepository(database: database),
            authState: SQLAuthStateRepository(database: database), identities: SQLVisitorIdentityRepository(database: database),
            webhooks: SQLWebhookRepository(database: database),
            ping: { try await database.query("SELECT 1 AS ok") }, close: { try await database.close() })
    }
}

/// Runs `services` (a database's connection pool) while `body` runs, then stops them: structured,
/// so nothing outlives the caller.
package func withServices<T>(_ services: [any Service], _ body: () async throws -> T) async throws -> T {
    guard !services.isEmpty else { return try await body() }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for service in services { group.addTask { try await service.run() } }
        defer { group.cancelAll() }
        return try await body()
    }
}
