import BeckonCore
import BeckonServer
import BeckonTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// A journal store that fails its writes while `failing` is set (a full disk, a lost database).
final class SwitchableJournalStore: JournalStore {
    let base: any JournalStore
    let failing = Mutex(false)

    init(_ base: any JournalStore) { self.base = base }

    func write(_ appends: [JournalAppend]) async throws -> Set<Int> {
        if failing.withLock({ $0 }) { throw BeckonError.storageUnavailable("disk full") }
        return try await base.write(appends)
    }

    func latestSequence() async throws -> Int64 { try await base.latestSequence() }
    func latestVisitorSequence(accountId: AccountID, visitorId: String) async throws -> Int64 {
        try await base.latestVisitorSequence(accountId: accountId, visitorId: visitorId)
    }

    func events(_ query: JournalQuery) async throws -> [StoredEvent] { try await base.events(query) }
    func events(accountId: AccountID, visitorId: String, since: Date, limit: Int) async throws -> [StoredEvent] {
        try await base.events(accountId: accountId, visitorId: visitorId, since: since, limit: limit)
    }
    func events(afterSequence: Int64, limit: Int) async throws -> [StoredEvent] { try await base.events(afterSequence: afterSequence, limit: limit) }
    func deleteVisitor(accountId: AccountID, visitorId: String) async throws -> Int {
        try await base.deleteVisitor(accountId: accountId, visitorId: visitorId)
    }
    func count() async throws -> Int { try await base.count() }
}

@Suite struct ErrorAndHealthTests {
    @Test func healthzAnswersWithoutStorageWork() async throws {
        try await TestApp.with { _, client in
            let response = try await client.call(.get, "/healthz")
            #expect(response.status == .ok)
            #expect(response.text == #"{"status":"ok"}"#)
        }
    }

    @Test func readyzChecksStorageAndFailsWhenItIsGone() async throws {
        try await TestApp.with { app, client in
            #expect(try await client.call(.get, "/readyz").status == .ok)
            try await app.storage.close()
            let response = try await client.call(.get, "/readyz")
            #expect(response.status == .serviceUnavailable)
            #expect(response.envelope?.internalCode == 18)
            #expect(response.envelope?.message == "service unavailable")
        }
    }

    @Test func readyzFailsWhileJournalCommitsFailAndRecovers() async throws {
        try await TestStorage.withSQLite { storage, _ in
            let store = SwitchableJournalStore(storage.journal)
            let logger = Logger(label: "beckon.test")
            let journal = GroupCommitJournal(
                store: store, configuration: .init(retryDelay: .milliseconds(1), maxRetryDelay: .milliseconds(5)), logger: logger)
            let dependencies = AppDependencies(
                storage: storage, journal: journal, secretBox: try SecretBox(masterKey: SecretBox.generateMasterKey()),
                clock: ManualClock(), passwordHasher: PasswordHasher(iterations: 1000), logger: logger)
            let app = try buildApplication(configuration: BeckonConfiguration(port: 0), dependencies: dependencies)
            try await app.test(.router) { client in
                let event = JournalEvent(accountId: AccountID(trusted: "acme"), kind: .pageView, occurredAt: Date(), visitorId: "v")
                #expect(try await client.call(.get, "/readyz").status == .ok)
                store.failing.withLock { $0 = true }
                await #expect(throws: (any Error).self) { try await journal.append([event]) }
                // The database answers pings, but commits fail: not ready.
                #expect(try await client.call(.get, "/readyz").status == .serviceUnavailable)
                store.failing.withLock { $0 = false }
                // The writer's retry succeeds (the failed event is written after all): ready again.
                #expect(await eventually { journal.isCommitting() })
                #expect(try await client.call(.get, "/readyz").status == .ok)
                try await journal.append([event])
                #expect(try await storage.journal.count() == 2)
            }
        }
    }

    @Test func theServerDoesNotStartWithoutItsBrowserFiles() async throws {
        try await TestStorage.withSQLite { storage, _ in
            let logger = Logger(label: "beckon.test")
            let dependencies = AppDependencies(
                storage: storage, journal: GroupCommitJournal(store: storage.journal, logger: logger),
                secretBox: try SecretBox(masterKey: SecretBox.generateMasterKey()), clock: ManualClock(),
                passwordHasher: PasswordHasher(iterations: 1000), logger: logger)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-public-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            func start() throws {
                _ = try buildApplication(configuration: BeckonConfiguration(port: 0, publicDirectory: folder.path), dependencies: dependencies)
            }
            // A configured folder is used alone: no quiet fallback to another Public folder.
            #expect(throws: BeckonError.invalidInput(field: "http.publicDir", reason: "no beckon.js in \(folder.path)")) { try start() }
            // The source without the built file: the message says how to make it.
            try "/* tag */".write(to: folder.appendingPathComponent("beckon.js"), atomically: true, encoding: .utf8)
            let error = #expect(throws: BeckonError.self) { try start() }
            #expect(error.map { "\($0)" }?.contains("scripts/build-tag") == true)
        }
    }

    @Test func unknownRouteAnswersLivePersonEnvelope() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.get, "/no/such/thing")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(
                response.envelope
                    == ErrorEnvelope(
                        time: app.clock.now().millisecondsSince1970, message: "no route for GET /no/such/thing",
                        internalCode: 12))
        }
    }

    @Test func aServedPathWithAnotherMethodIs405WithAllow() async throws {
        try await TestApp.with { app, client in
            let trace = try await client.call(.trace, "/api/v1/accounts/acme/campaigns", key: app.acmeAdmin)
            #expect(trace.status == .methodNotAllowed && trace.headers[.allow] == "GET, POST", "\(trace.headers)")
            #expect(trace.envelope?.message == "TRACE is not allowed here; this path takes GET, POST")
            let put = try await client.call(.put, "/api/account/acme/shift-status")
            #expect(put.status == .methodNotAllowed && put.headers[.allow] == "GET")
            // The literal path wins over a capture beside it, as in the router.
            let preview = try await client.call(.get, "/api/v1/accounts/acme/engagements/preview", key: app.acmeAdmin)
            #expect(preview.status == .methodNotAllowed && preview.headers[.allow] == "POST")
            // A path no route serves stays 404; an empty cursor is the first page.
            #expect(try await client.call(.trace, "/no/such/thing").status == .notFound)
            #expect(try await client.call(.get, "/api/v1/accounts/acme/sites?cursor=", key: app.acmeAdmin).status == .ok)
        }
    }

    @Test func metricsCountDecisionsClicksValidationsAndJournalCommits() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            _ = try await client.pageView(fixture.engagementPath, url: "https://www.acme.example/elsewhere")
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status == .ok)
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status != .ok, "single use")
            let text = try await client.call(.get, "/metrics").text
            #expect(text.contains(#"beckon_decisions_total{outcome="shown"} 1"#), "\(text)")
            #expect(text.contains(#"beckon_clicks_total 1"#))
            #expect(text.contains(#"beckon_validations_total{result="valid"} 1"#))
            #expect(text.contains(#"beckon_validations_total{result="invalid"} 1"#), "the second use of a single-use click")
            #expect(text.contains("beckon_journal_batch_events_count"))
            #expect(text.contains("beckon_journal_commit_seconds_count"))
            #expect(!text.contains(visit.reply.visitorId), "no visitor ids in metrics")
        }
    }

    @Test func metricsCountRequestsByRouteTemplateAndStatus() async throws {
        try await TestApp.with { app, client in
            _ = try await client.call(.get, "/healthz")
            _ = try await client.call(.get, "/api/v1/accounts/acme/sites", key: app.acmeReader)
            _ = try await client.call(.get, "/api/v1/accounts/acme/sites")
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains(#"beckon_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
            #expect(text.contains(#"route="/api/v1/accounts/{accountId}/sites",method="GET",status="200"} 1"#))
            #expect(text.contains(#"status="401"} 1"#))
            #expect(text.contains("beckon_http_request_duration_seconds_bucket"))
            #expect(!text.contains(app.acmeReader.bearer))
        }
    }

    @Test func malformedJSONIsRefusedWithBadRequestCode() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin, json: "{nope")
            #expect(response.status == .badRequest)
            #expect(response.envelope?.internalCode == 5)
            #expect(response.envelope?.message == "invalid body: must be a JSON object")
        }
    }

    @Test func wrongTypeAndUnknownFieldsAreNamed() async throws {
        try await TestApp.with { app, client in
            let wrongType = try await client.call(
                .post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin, json: #"{"allowedOrigins": "https://a.example"}"#)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.envelope?.message == "invalid allowedOrigins: must be an array")
            let unknown = try await client.call(
                .post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin,
                json: #"{"allowedOrigins": ["https://a.example"], "colour": "red"}"#)
            #expect(unknown.status == .badRequest)
            #expect(unknown.envelope?.message.hasPrefix("invalid colour: unknown field") == true)
            let missing = try await client.call(.post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin, json: "{}")
            #expect(missing.envelope?.message == "invalid allowedOrigins: is required")
        }
    }

    @Test func oversizedBodyIsRefusedAndNothingIsStored() async throws {
        try await TestApp.with(maxBodyBytes: 2048) { app, client in
            let origins = (0..<200).map { "\"https://site\($0).example\"" }.joined(separator: ",")
            let response = try await client.call(
                .post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin, json: "{\"allowedOrigins\": [\(origins)]}")
            #expect(response.status == .contentTooLarge)
            #expect(response.envelope?.internalCode == 5)
            #expect(response.envelope?.message == "request body too large")
            #expect(try await app.storage.sites.sites(accountId: AccountID(trusted: "acme")).isEmpty)
        }
    }
}
