import BeckonCore
import BeckonServer
import BeckonStorage
import BeckonTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import Prometheus

/// An application over fresh SQLite storage with two accounts, `acme` and `globex`, each with an
/// admin key and a read-only key, and a manual clock.
struct TestApp {
    var clock: ManualClock
    var storage: Storage
    var provisioning: Provisioning
    var acmeAdmin: IssuedAPIKey
    var acmeReader: IssuedAPIKey
    var globexAdmin: IssuedAPIKey
    var configuration: BeckonConfiguration
    var dependencies: AppDependencies

    /// `live`: a real server on a free port of 127.0.0.1 (`client.port`), for clients that speak
    /// HTTP themselves (BeckonClient); otherwise requests go straight to the router.
    static func with(
        maxBodyBytes: Int = 4096, live: Bool = false, idleTimeout: Duration = .seconds(75), maxConnections: Int = 8000,
        headTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30), maxVisitors: Int = 2_000_000,
        trustForwardedFor: Bool = false, egress: EgressPolicy = EgressPolicy(), webhookRetries: WebhookRetryPolicy = WebhookRetryPolicy(),
        _ body: @escaping @Sendable (TestApp, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestStorage.withSQLite { storage, _ in
            let clock = ManualClock()
            let logger = Logger(label: "beckon.test")
            let registry = PrometheusCollectorRegistry()
            let journal = GroupCommitJournal(store: storage.journal, logger: logger, metrics: DomainMetrics(registry: registry))
            let dependencies = AppDependencies(
                storage: storage, journal: journal, secretBox: try SecretBox(masterKey: SecretBox.generateMasterKey()),
                clock: clock, passwordHasher: PasswordHasher(iterations: 1000), maxVisitors: maxVisitors, egress: egress,
                webhookRetries: webhookRetries,
                // Tests deliver by calling the service (`deliverWebhooks`), never on a timer.
                webhookInterval: .seconds(86_400), registry: registry, logger: logger)
            let provisioning = dependencies.provisioning
            for account in ["acme", "globex"] {
                _ = try await provisioning.createAccount(id: account, name: nil, adminEmail: "admin@\(account).example")
            }
            var configuration = BeckonConfiguration(port: 0, maxBodyBytes: maxBodyBytes, trustForwardedFor: trustForwardedFor)
            configuration.idleTimeout = idleTimeout
            configuration.maxConnections = maxConnections
            configuration.headTimeout = headTimeout
            configuration.bodyTimeout = bodyTimeout
            let testApp = TestApp(
                clock: clock, storage: storage, provisioning: provisioning,
                acmeAdmin: try await provisioning.createAPIKey(accountId: "acme", name: "admin", scopes: [.admin]),
                acmeReader: try await provisioning.createAPIKey(accountId: "acme", name: "reader", scopes: [.visitRead]),
                globexAdmin: try await provisioning.createAPIKey(accountId: "globex", name: "admin", scopes: [.admin]),
                configuration: configuration, dependencies: dependencies)
            let app = try buildApplication(configuration: configuration, dependencies: dependencies)
            try await app.test(live ? .live : .router) { client in try await body(testApp, client) }
        }
    }
}

extension TestApp {
    /// The application as it starts again on the same database (a restart, or another node):
    /// new in-memory state, the same storage, secrets and clock.
    func restarted() throws -> some ApplicationProtocol {
        let logger = dependencies.logger
        let fresh = AppDependencies(
            storage: storage, journal: GroupCommitJournal(store: storage.journal, logger: logger), secretBox: dependencies.secretBox,
            clock: clock, passwordHasher: dependencies.passwordHasher, logger: logger)
        return try buildApplication(configuration: configuration, dependencies: fresh)
    }
}

/// The LivePerson error envelope, as clients decode it.
struct ErrorEnvelope: Decodable, Equatable {
    var time: Int64
    var message: String
    var internalCode: Int
    /// Beckon's addition on a 400: the field refused.
    var field: String?
}

extension TestResponse {
    func decoded<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(buffer: body))
    }

    var envelope: ErrorEnvelope? { try? decoded(ErrorEnvelope.self) }
    var text: String { String(buffer: body) }
}

extension TestClientProtocol {
    /// A request with an optional bearer key and JSON body.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, key: IssuedAPIKey? = nil, authorization: String? = nil,
        json: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key.bearer)" }
        if let authorization { headers[.authorization] = authorization }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}
