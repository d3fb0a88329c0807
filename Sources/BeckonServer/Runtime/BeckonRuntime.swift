package import BeckonCore
package import BeckonStorage
import Hummingbird
package import Logging
import Prometheus
import ServiceLifecycle

/// What the `beckon` commands do, so the executable stays a thin argument parser.
package enum BeckonRuntime {
    /// Runs the server until SIGINT or SIGTERM, then shuts down gracefully: the server stops
    /// taking requests, the journal commits what is queued, storage closes.
    ///
    /// SQLite is created and migrated on start (a single node owns its file). PostgreSQL is
    /// shared by several nodes, so an old schema is refused with a message to run
    /// `beckon migrate`.
    package static func serve(_ configuration: BeckonConfiguration, logger: Logger) async throws {
        let policy: StorageFactory.SchemaPolicy = configuration.storage.driver == .sqlite ? .migrate : .requireCurrent
        let secretBox = try configuration.resolveMasterKey()
        if policy == .requireCurrent {
            // Refused before anything starts (the relay, the run-once work): a node on an old
            // schema exits at once with its message.
            try await StorageFactory.withDatabase(configuration.storage, logger: logger) { try await Migrator(database: $0).requireCurrent() }
        }
        let storage = try await StorageFactory.connect(configuration.storage, schema: policy, logger: logger)
        let registry = PrometheusCollectorRegistry()
        let journal = GroupCommitJournal(
            store: storage.journal, configuration: configuration.journal, logger: logger, metrics: DomainMetrics(registry: registry))
        let dependencies = AppDependencies(
            storage: storage, journal: journal, secretBox: secretBox, visitSettings: configuration.visits,
            maxVisitors: configuration.maxVisitors, rollupInterval: configuration.rollupInterval, egress: configuration.egress,
            registry: registry, logger: logger)
        do {
            // Throws before anything starts when the browser files are missing.
            let app = try buildApplication(configuration: configuration, dependencies: dependencies)
            logger.info(
                "Beckon starting",
                metadata: [
                    "address": "\(configuration.host):\(configuration.port)", "storage": "\(configuration.storage.driver.rawValue)",
                ])
            try await app.runService()
        } catch {
            try? await storage.close()
            throw error
        }
        try await storage.close()
    }

    /// Forgets the report rollups and counts the whole journal again; answers the events counted.
    package static func rebuildReports(_ configuration: BeckonConfiguration, logger: Logger) async throws -> Int {
        let policy: StorageFactory.SchemaPolicy = configuration.storage.driver == .sqlite ? .migrate : .requireCurrent
        return try await StorageFactory.open(configuration.storage, schema: policy, logger: logger) { storage in
            let service = RollupService(
                journal: storage.journal, repository: storage.rollups,
                settings: RollupSettingsLoader(accounts: storage.accounts, campaigns: storage.campaigns), logger: logger)
            return try await service.rebuild()
        }
    }

    /// Brings the schema up to date; returns the versions applied.
    package static func migrate(
        _ configuration: BeckonConfiguration, logger: Logger
    ) async throws -> (
        applied: [Int], status: Migrator.Status
    ) {
        try await StorageFactory.withDatabase(configuration.storage, logger: logger) { database in
            let migrator = Migrator(database: database)
            let applied = try await migrator.migrate()
            return (applied, try await migrator.status())
        }
    }

    /// Runs `body` with the provisioning verbs over the configured storage (the operator's
    /// commands: account, site and key creation). Like `serve`, SQLite is migrated first and
    /// PostgreSQL must be current.
    package static func withProvisioning<T>(
        _ configuration: BeckonConfiguration, logger: Logger, _ body: (Provisioning) async throws -> T
    ) async throws -> T {
        let policy: StorageFactory.SchemaPolicy = configuration.storage.driver == .sqlite ? .migrate : .requireCurrent
        let secretBox = try configuration.resolveMasterKey()
        return try await StorageFactory.open(configuration.storage, schema: policy, logger: logger) { storage in
            let clock = SystemWallClock()
            let provisioning = Provisioning(
                storage: storage, issuer: APIKeyIssuer(secretBox: secretBox, clock: clock), hasher: PasswordHasher(),
                clock: clock)
            return try await body(provisioning)
        }
    }
}
