import BeckonCore
import Hummingbird
import Logging
import Prometheus

/// What the application is built from. Anything a test replaces (clock, storage, hashing cost)
/// is here, with the production value chosen by `BeckonRuntime`.
public struct AppDependencies: Sendable {
    public var storage: Storage
    public var journal: GroupCommitJournal
    public var secretBox: SecretBox
    public var clock: any WallClock
    public var passwordHasher: PasswordHasher
    public var logger: Logger

    public init(
        storage: Storage, journal: GroupCommitJournal, secretBox: SecretBox, clock: any WallClock = SystemWallClock(),
        passwordHasher: PasswordHasher = PasswordHasher(), logger: Logger
    ) {
        self.storage = storage
        self.journal = journal
        self.secretBox = secretBox
        self.clock = clock
        self.passwordHasher = passwordHasher
        self.logger = logger
    }

    public var provisioning: Provisioning {
        Provisioning(
            storage: storage, issuer: APIKeyIssuer(secretBox: secretBox, clock: clock), hasher: passwordHasher, clock: clock)
    }
}

/// Builds the HTTP application: routes, middleware, and the services it runs (the journal
/// writer). The server starts after its services and stops before them.
public func buildApplication(
    configuration: BeckonConfiguration, dependencies: AppDependencies
)
    -> some ApplicationProtocol
{
    let router = buildRouter(configuration: configuration, dependencies: dependencies)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Beckon"),
        logger: dependencies.logger)
    app.addServices(dependencies.journal)
    return app
}

public func buildRouter(configuration: BeckonConfiguration, dependencies: AppDependencies) -> Router<AppRequestContext> {
    let registry = PrometheusCollectorRegistry()
    let router = Router(context: AppRequestContext.self)
    router.addMiddleware {
        RequestMetricsMiddleware(registry: registry)
        ErrorMiddleware(clock: dependencies.clock)
        BodyLimitMiddleware(maxBodyBytes: configuration.maxBodyBytes)
    }
    HealthRoutes(storage: dependencies.storage, registry: registry).register(on: router)
    let account = router.group("api/v1/accounts/:accountId")
        .add(middleware: APIKeyAuthenticator(keys: dependencies.storage.apiKeys, clock: dependencies.clock))
    AccountAdminRoutes(storage: dependencies.storage, provisioning: dependencies.provisioning).register(on: account)
    CampaignRoutes(campaigns: dependencies.storage.campaigns, clock: dependencies.clock).register(on: account)
    SettingsRoutes(accounts: dependencies.storage.accounts).register(on: account)
    // LivePerson-style path (SPEC §8), same authentication.
    let lpAccount = router.group("api/account/:accountId")
        .add(middleware: APIKeyAuthenticator(keys: dependencies.storage.apiKeys, clock: dependencies.clock))
    ShiftStatusRoutes(campaigns: dependencies.storage.campaigns, clock: dependencies.clock).register(on: lpAccount)
    return router
}
