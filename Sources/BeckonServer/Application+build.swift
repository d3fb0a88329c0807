package import BeckonCore
import BeckonEgress
package import Hummingbird
package import Logging
import NIOCore
package import Prometheus

/// What the application is built from, built once in `init` (every service from the same storage,
/// clock and secrets; nothing can be swapped afterwards and leave a service on the old one).
/// What a test chooses (clock, storage, hashing cost) is an `init` argument, with the production
/// value chosen by `BeckonRuntime`.
package struct AppDependencies: Sendable {
    package let storage: Storage
    package let journal: GroupCommitJournal
    package let secretBox: SecretBox
    package let clock: any WallClock
    package let passwordHasher: PasswordHasher
    package let logger: Logger
    /// The visitors in memory (bounded by `maxVisitors`) and the path that changes them.
    package let liveVisits: LiveVisitStore
    package let visitLedger: VisitLedger
    /// Every account's campaigns and settings as the decisions read them, kept by change events.
    package let catalog: CampaignCatalog
    /// The accounts' click-token signing keys.
    package let keyring: ClickKeyring
    /// Open call-status streams on this node.
    package let callStatus: CallStatusHub
    /// The visit use cases (SPEC §4–§8a).
    package let pageViews: PageViews
    package let visitReports: VisitReports
    package let brandVisits: BrandVisits
    package let clickValidations: ClickValidations
    package let erasure: VisitorErasure
    /// The hourly report rollups, kept up with the journal.
    package let rollups: RollupService
    /// Console sign-in attempts, for lock-out (in storage).
    package let loginThrottle: LoginThrottle
    /// Phone numbers as keyed hashes, per account (SPEC §13).
    package let numberHasher: NumberHasher
    /// Token buckets per client address on the public endpoints.
    package let addressLimiter: AddressRateLimiter
    /// Behind `/metrics`: the HTTP metrics and, through swift-metrics, the domain ones.
    package let registry: PrometheusCollectorRegistry
    /// Decisions, clicks, validations and journal commits, into `registry`.
    package let metrics: DomainMetrics
    /// Sends the webhooks (on the node holding its lock), and the endpoints' use cases.
    package let webhooks: WebhookDeliveryService
    package let webhookEndpoints: WebhookEndpoints

    package init(
        storage: Storage, journal: GroupCommitJournal, secretBox: SecretBox, clock: any WallClock = SystemWallClock(),
        passwordHasher: PasswordHasher = PasswordHasher(), visitSettings: VisitLedger.Settings = .init(),
        maxVisitors: Int = 2_000_000, rollupInterval: Duration = .seconds(2), trackedAddresses: Int = 100_000,
        egress: EgressPolicy = EgressPolicy(), webhookSender: (any WebhookSender)? = nil,
        webhookRetries: WebhookRetryPolicy = WebhookRetryPolicy(), webhookInterval: Duration = .seconds(1),
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), logger: Logger
    ) {
        self.registry = registry
        let metrics = DomainMetrics(registry: registry)
        self.metrics = metrics
        self.storage = storage
        self.journal = journal
        self.secretBox = secretBox
        self.clock = clock
        self.passwordHasher = passwordHasher
        self.logger = logger
        let liveVisits = LiveVisitStore(capacity: maxVisitors)
        let catalog = CampaignCatalog(storage: storage)
        let keyring = ClickKeyring(repository: storage.clickKeys, box: secretBox, clock: clock)
        let callStatus = CallStatusHub(limits: visitSettings.streamLimits)
        let ledger = VisitLedger(
            store: liveVisits, catalog: catalog, journal: journal, clock: clock, settings: visitSettings, abuse: storage.abuse,
            claims: storage.claims, changes: storage.changes)
        self.liveVisits = liveVisits
        self.visitLedger = ledger
        self.catalog = catalog
        self.keyring = keyring
        self.callStatus = callStatus
        self.pageViews = PageViews(ledger: ledger, metrics: metrics)
        self.visitReports = VisitReports(ledger: ledger, keyring: keyring, campaigns: storage.campaigns, metrics: metrics)
        self.brandVisits = BrandVisits(ledger: ledger, keyring: keyring, callStatus: callStatus)
        self.clickValidations = ClickValidations(ledger: ledger, keyring: keyring, metrics: metrics)
        self.erasure = VisitorErasure(
            ledger: ledger, journalStore: storage.journal, rollups: storage.rollups, identities: storage.identities,
            webhooks: storage.webhooks)
        self.loginThrottle = LoginThrottle(repository: storage.authState)
        self.numberHasher = NumberHasher(repository: storage.abuse, box: secretBox, clock: clock)
        self.addressLimiter = AddressRateLimiter(capacity: trackedAddresses, clock: clock)
        self.rollups = RollupService(
            journal: storage.journal, repository: storage.rollups,
            settings: RollupSettingsLoader(accounts: storage.accounts, campaigns: storage.campaigns), clock: clock,
            logger: logger, interval: rollupInterval, memory: RollupMemory(capacity: maxVisitors), runOnce: storage.runOnce)
        self.webhooks = WebhookDeliveryService(
            repository: storage.webhooks, journal: storage.journal,
            sender: webhookSender ?? EgressHTTPClient(policy: egress, logger: logger), secrets: secretBox, clock: clock,
            logger: logger, metrics: metrics, interval: webhookInterval, policy: webhookRetries, runOnce: storage.runOnce)
        self.webhookEndpoints = WebhookEndpoints(repository: storage.webhooks, secrets: secretBox, policy: egress, clock: clock)
    }

    package var provisioning: Provisioning {
        Provisioning(
            storage: storage, issuer: APIKeyIssuer(secretBox: secretBox, clock: clock), hasher: passwordHasher, clock: clock)
    }
}

/// Builds the HTTP application: routes, middleware, and the services it runs (storage's
/// connection pool, the journal writer, the rollups). The server starts after its services and
/// stops before them. Throws when the browser files (`beckon.min.js`, the console) are missing:
/// a server that cannot serve its tag must not start and report itself ready.
package func buildApplication(
    configuration: BeckonConfiguration, dependencies: AppDependencies
) throws
    -> some ApplicationProtocol
{
    let registry = dependencies.registry
    let router = try buildRouter(configuration: configuration, dependencies: dependencies)
    var app = Application(
        router: router,
        server: cappedHTTP1(configuration, logger: dependencies.logger, registry: registry),
        // A burst of connections waits in the kernel's accept queue rather than having its SYNs
        // dropped (and retried a second later): 4,096 is Linux's default cap (somaxconn).
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Beckon", backlog: 4096),
        logger: dependencies.logger)
    // Storage's own services (PostgreSQL's connection pool) start first and stop last; its
    // schema is checked before the server listens.
    app.addServices(dependencies.storage.services)
    app.beforeServerStarts(perform: dependencies.storage.prepare)
    app.addServices(
        dependencies.journal,
        dependencies.rollups,
        dependencies.webhooks,
        LiveVisitSweeper(
            store: dependencies.liveVisits, clock: dependencies.clock, liveWindow: dependencies.visitLedger.settings.liveWindow))
    return app
}

package func buildRouter(
    configuration: BeckonConfiguration, dependencies: AppDependencies
) throws -> Router<AppRequestContext> {
    let registry = dependencies.registry
    let router = Router(context: AppRequestContext.self)
    let routeTable = RouteTable()
    router.addMiddleware {
        RequestMetricsMiddleware(registry: registry)
        ErrorMiddleware(clock: dependencies.clock)
        BodyLimitMiddleware(maxBodyBytes: configuration.maxBodyBytes)
        MethodNotAllowedMiddleware(table: routeTable)
    }
    HealthRoutes(storage: dependencies.storage, journal: dependencies.journal, registry: registry).register(on: router)
    let limits = AddressLimits(
        limiter: dependencies.addressLimiter, node: configuration.addressLimits, catalog: dependencies.catalog,
        trustForwardedFor: configuration.trustForwardedFor, registry: registry)
    // Public: the website tag, its endpoint and the click-token public keys.
    let sites = SiteDirectory(storage: dependencies.storage, clock: dependencies.clock)
    MonitoringRoutes(
        pageViews: dependencies.pageViews, reports: dependencies.visitReports, sites: sites, trustForwardedFor: configuration.trustForwardedFor,
        limits: limits,
        identities: VisitorIdentities(repository: dependencies.storage.identities, hasher: dependencies.numberHasher),
        clock: dependencies.clock
    )
    .register(on: router)
    TagRoutes(template: try WebsiteTag.load(publicDirectory: configuration.publicDirectory), sites: sites, limits: limits)
        .register(on: router)
    CallStatusRoutes(visits: dependencies.brandVisits, limits: limits).register(on: router)
    let authenticator = APIKeyAuthenticator(
        keys: dependencies.storage.apiKeys, issuer: APIKeyIssuer(secretBox: dependencies.secretBox, clock: dependencies.clock),
        nonces: NonceRegistry(repository: dependencies.storage.authState), clock: dependencies.clock, sessions: dependencies.storage.consoleSessions,
        trustForwardedFor: configuration.trustForwardedFor)
    ConsoleFileRoutes(assets: try ConsoleAssets.load(publicDirectory: configuration.publicDirectory)).register(on: router)
    // The operations generated from docs/openapi.yaml, behind the same authenticator.
    let generatedAccount = router.group("api/v1/accounts/:accountId")
        .add(middleware: authenticator)
        .add(middleware: OperationContextMiddleware())
    // LivePerson's paths (SPEC §5, §8): the same keys, LivePerson's status codes. An account that is
    // not the key's is 422 where LivePerson documents it so (Validate Engagement, Engagement
    // Attributes; Beckon's brand APIs there follow), 404 on Visit Information.
    var lpAuthenticator = authenticator
    lpAuthenticator.livePerson = .unprocessableContent
    let lpAccount = router.group("api/account/:accountId")
        .add(middleware: lpAuthenticator)
    let generatedLP = router.group("api/account/:accountId")
        .add(middleware: lpAuthenticator)
        .add(middleware: OperationContextMiddleware())
    // LivePerson's public paths: no key (the Domain API and the click tokens' public keys).
    let publicLP = router.group("api/account/:accountId").add(middleware: OperationContextMiddleware())
    let publicLPPaths: Set<String> = [
        "/api/account/{accountId}/service/baseURI.json", "/api/account/{accountId}/service/{service}/baseURI.json",
        "/api/account/{accountId}/clicktocall/keys",
    ]
    // The console's sign-in: no authenticator (the handlers read the session cookie).
    let consoleAPI = router.group("console/api").add(middleware: OperationContextMiddleware())
    try APIHandler(
        storage: dependencies.storage, provisioning: dependencies.provisioning,
        abuseBlocks: AbuseBlocks(
            repository: dependencies.storage.abuse, hasher: dependencies.numberHasher, visits: dependencies.brandVisits,
            journal: dependencies.journal, clock: dependencies.clock),
        erasure: dependencies.erasure,
        reports: Reports(storage: dependencies.storage, rollups: dependencies.rollups, clock: dependencies.clock),
        consoleSignIn: ConsoleSignIn(
            storage: dependencies.storage, hasher: dependencies.passwordHasher, throttle: dependencies.loginThrottle,
            clock: dependencies.clock),
        keyring: dependencies.keyring,
        brand: .init(
            visits: dependencies.brandVisits, validations: dependencies.clickValidations,
            authorizeDial: AuthorizeDial(
                visits: dependencies.brandVisits, catalog: dependencies.catalog, repository: dependencies.storage.abuse,
                hasher: dependencies.numberHasher, clock: dependencies.clock)),
        limits: limits, webhooks: dependencies.webhookEndpoints, trustForwardedFor: configuration.trustForwardedFor,
        clock: dependencies.clock
    )
    .register(on: [
        .init(prefix: "/api/v1/accounts/:accountId", group: generatedAccount),
        .init(prefix: "/api/account/:accountId", group: publicLP, paths: publicLPPaths),
        .init(prefix: "/api/account/:accountId", group: generatedLP),
        .init(prefix: "/console/api", group: consoleAPI),
    ])
    BrandEventRoutes(
        visits: dependencies.brandVisits, clock: dependencies.clock, abuse: dependencies.storage.abuse, hasher: dependencies.numberHasher
    )
    .register(on: lpAccount)
    var visitAuthenticator = authenticator
    visitAuthenticator.livePerson = .notFound
    let lpVisits = router.group("api/account/:accountId").add(middleware: visitAuthenticator)
    VisitInformationRoutes(visits: dependencies.brandVisits, clock: dependencies.clock).register(on: lpVisits)
    routeTable.fill(from: router)
    return router
}

extension DomainMetrics {
    /// The domain metrics, exported with the rest at `/metrics`.
    package init(registry: PrometheusCollectorRegistry) {
        self.init(factory: PrometheusMetricsFactory(registry: registry))
    }
}
