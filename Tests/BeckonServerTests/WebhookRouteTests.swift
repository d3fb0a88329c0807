import BeckonCore
import BeckonEgress
import BeckonServer
import BeckonTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Webhooks (SPEC §12) end to end against a real receiver on 127.0.0.1: the management API,
/// signed deliveries verified as a receiver does, retries with the same `webhook-id`,
/// `Retry-After` on an injected clock, 410, the egress rules, and tenant isolation.
@Suite struct WebhookRouteTests {
    static let open = EgressPolicy(allowPrivateTargets: true, allowHTTP: true)
    static let noJitter = WebhookRetryPolicy(random: { 0 })

    struct Created: Decodable {
        var id: String
        var url: String
        var events: [String]
        var secret: String
        var enabled: Bool
        var includePersonalData: Bool
    }

    struct Endpoint: Decodable {
        var id: String
        var enabled: Bool
        var disabledReason: String?
        var events: [String]
        var description: String?
        var secretRotatingUntil: Date?
    }

    struct Deliveries: Decodable {
        struct Item: Decodable {
            struct Attempt: Decodable {
                var statusCode: Int?
                var latencyMs: Int
                var error: String?
            }
            var messageId: String
            var type: String
            var state: String
            var attempts: [Attempt]
            var lastStatusCode: Int?
            var nextAttemptAt: Date?
        }
        var items: [Item]
        var nextCursor: String?
    }

    static func create(
        _ client: some TestClientProtocol, _ app: TestApp, url: String, events: [String] = WebhookEventType.subscribable.map(\.rawValue),
        key: IssuedAPIKey? = nil, account: String = "acme", personal: Bool = false
    ) async throws -> Created {
        let body = try String(
            decoding: JSONSerialization.data(withJSONObject: ["url": url, "events": events, "includePersonalData": personal]),
            as: UTF8.self)
        let response = try await client.call(.post, "/api/v1/accounts/\(account)/webhooks", key: key ?? app.acmeAdmin, json: body)
        #expect(response.status == .created, "\(response.text)")
        return try response.decoded(Created.self)
    }

    /// One journal event of a visitor of acme, as the server writes it.
    static func happen(
        _ app: TestApp, _ event: VisitEvent, visitor: VisitToken, session: VisitToken, account: String = "acme"
    )
        async throws
    {
        let entry = VisitJournalEntry(
            accountId: AccountID(trusted: account), visitorId: visitor, sessionId: session, occurredAt: app.clock.now(), event: event)
        try await app.dependencies.journal.append([entry.journalEvent])
    }

    /// Turns the journal into deliveries and attempts what is due, as the service does each second.
    static func deliver(_ app: TestApp) async throws {
        try await app.dependencies.webhooks.fanOut()
        try await app.dependencies.webhooks.deliverDue()
    }

    static func verify(_ delivery: WebhookReceiver.Delivery, secret: String, now: Date) throws {
        try WebhookSignature.verify(
            id: delivery.headers["webhook-id"], timestamp: delivery.headers["webhook-timestamp"],
            signatures: delivery.headers["webhook-signature"], body: delivery.body, secret: try #require(WebhookSecret(secret)),
            now: now)
    }

    @Test func everyEventTypeArrivesSignedWithTheStandardHeadersAndVerifies() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await TestApp.with(egress: Self.open, webhookRetries: Self.noJitter) { app, client in
                let endpoint = try await Self.create(client, app, url: url)
                #expect(endpoint.secret.hasPrefix("whsec_") && endpoint.enabled && !endpoint.includePersonalData)
                #expect(endpoint.events.sorted() == WebhookEventType.subscribable.map(\.rawValue).sorted())
                let (visitor, session) = (VisitToken.random(), VisitToken.random())
                let click = ClickRecord(
                    contextId: "1", campaignId: 7, engagementId: 9, revision: 1, expiresAt: 1_790_000_600_000, maxValidations: 1, keyId: "k")
                try await Self.happen(app, .click(click), visitor: visitor, session: session)
                try await Self.happen(app, .validation(.init(contextId: "1", method: .validateEngagement)), visitor: visitor, session: session)
                let status = EngagementAttribute(stored: [
                    "type": .string("convStatus"), "contextId": .string("1"), "status": .string("CONNECTED"),
                ])
                try await Self.happen(app, .attribute(.init(pageId: nil, source: .brand, attribute: status)), visitor: visitor, session: session)
                try await Self.happen(
                    app, .abuse(AbuseRecord(action: .visitorBlocked, reason: "numberVelocity", blockId: "blk_1")), visitor: visitor,
                    session: session)
                // Something endpoints don't hear of.
                try await Self.happen(app, .close(CloseRecord()), visitor: visitor, session: session)
                try await Self.deliver(app)

                let received = receiver.received
                // Sent concurrently: no order is promised (docs/webhooks.md).
                #expect(Set(received.compactMap(\.type)) == ["engagement.clicked", "visit.validated", "call.status", "visitor.blocked"])
                #expect(received.count == 4)
                for delivery in received {
                    try Self.verify(delivery, secret: endpoint.secret, now: app.clock.now())
                    #expect(delivery.headers["webhook-id"]?.hasPrefix("msg_") == true)
                    #expect(delivery.headers["webhook-timestamp"] == String(Int64(app.clock.now().timeIntervalSince1970)))
                    #expect(delivery.headers["content-type"] == "application/json")
                    #expect(delivery.data["visitorId"] == .string(visitor.description))
                }
                #expect(Set(received.compactMap { $0.headers["webhook-id"] }).count == 4)
                // A wrong secret does not verify.
                #expect(throws: WebhookSignature.Failure.noMatchingSignature) {
                    try Self.verify(received[0], secret: WebhookSecret.generate().description, now: app.clock.now())
                }

                // The deliveries list them, newest first, delivered at the first attempt.
                let list = try await client.call(.get, "/api/v1/accounts/acme/webhooks/\(endpoint.id)/deliveries?limit=3", key: app.acmeAdmin)
                #expect(list.status == .ok)
                let page = try list.decoded(Deliveries.self)
                #expect(page.items.count == 3 && page.nextCursor != nil)
                #expect(page.items.allSatisfy { $0.state == "delivered" && $0.attempts.count == 1 && $0.lastStatusCode == 200 })
                let rest = try await client.call(
                    .get, "/api/v1/accounts/acme/webhooks/\(endpoint.id)/deliveries?cursor=\(page.nextCursor ?? "")", key: app.acmeAdmin)
                let second = try rest.decoded(Deliveries.self)
                #expect(second.items.count == 1 && second.nextCursor == nil)
                #expect(Set((page.items + second.items).map(\.messageId)) == Set(received.compactMap { $0.headers["webhook-id"] }))
                let bad = try await client.call(.get, "/api/v1/accounts/acme/webhooks/\(endpoint.id)/deliveries?cursor=nope", key: app.acmeAdmin)
                #expect(bad.status == .badRequest && bad.envelope?.field == "cursor")
            }
        }
    }

    @Test func aFailedAttemptIsRetriedWithTheSameIdAndRetryAfterIsHonoured() async throws {
        let receiver = WebhookReceiver()
        receiver.script(.init(status: .internalServerError), .init(status: .tooManyRequests, retryAfter: "120"))
        try await receiver.run { url in
            try await TestApp.with(egress: Self.open, webhookRetries: Self.noJitter) { app, client in
                let endpoint = try await Self.create(client, app, url: url, events: ["visit.validated"])
                try await Self.happen(
                    app, .validation(.init(contextId: "1", method: .verifyToken)), visitor: .random(), session: .random())
                try await Self.deliver(app)  // 500: retried at once
                try await Self.deliver(app)  // 429, Retry-After: 120
                #expect(receiver.received.count == 2)
                app.clock.advance(by: 119)
                try await Self.deliver(app)
                #expect(receiver.received.count == 2, "not before Retry-After")
                app.clock.advance(by: 1)
                try await Self.deliver(app)
                let received = receiver.received
                #expect(received.count == 3)
                #expect(Set(received.compactMap { $0.headers["webhook-id"] }).count == 1, "every attempt carries the same webhook-id")
                for delivery in received { try Self.verify(delivery, secret: endpoint.secret, now: app.clock.now()) }
                try await Self.deliver(app)
                #expect(receiver.received.count == 3, "delivered: never sent again")
                let page = try await client.call(.get, "/api/v1/accounts/acme/webhooks/\(endpoint.id)/deliveries", key: app.acmeAdmin)
                    .decoded(Deliveries.self)
                #expect(page.items.first?.attempts.map(\.statusCode) == [500, 429, 200])
                #expect(page.items.first?.state == "delivered" && page.items.first?.nextAttemptAt == nil)

                // Redelivered on request, with the same id.
                let messageId = try #require(page.items.first?.messageId)
                let again = try await client.call(
                    .post, "/api/v1/accounts/acme/webhooks/\(endpoint.id)/deliveries/\(messageId)/redeliver", key: app.acmeAdmin)
                #expect(again.status == .accepted)
                try await Self.deliver(app)
                #expect(receiver.received.count == 4 && receiver.received.last?.headers["webhook-id"] == messageId)
            }
        }
    }

    @Test func theScheduleWaitsFiveSecondsThenFiveMinutes() async throws {
        let receiver = WebhookReceiver()
        receiver.script(.init(status: .internalServerError), .init(status: .badGateway), .init(status: .movedPermanently))
        try await receiver.run { url in
            try await TestApp.with(egress: Self.open, webhookRetries: Self.noJitter) { app, client in
                _ = try await Self.create(client, app, url: url, events: ["visit.validated"])
                try await Self.happen(app, .validation(.init(contextId: "1", method: .verifyToken)), visitor: .random(), session: .random())
                try await Self.deliver(app)
                try await Self.deliver(app)
                #expect(receiver.received.count == 2)
                app.clock.advance(by: 4)
                try await Self.deliver(app)
                #expect(receiver.received.count == 2)
                app.clock.advance(by: 1)
                try await Self.deliver(app)
                #expect(receiver.received.count == 3, "a redirect is a failure, not followed")
                app.clock.advance(by: 299)
                try await Self.deliver(app)
                #expect(receiver.received.count == 3)
                app.clock.advance(by: 1)
                try await Self.deliver(app)
                #expect(receiver.received.count == 4)
            }
        }
    }

    @Test func anEndpointHearsOnlyOfWhatHappensAfterItIsMadeAndOnlyWhatItSubscribesTo() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await TestApp.with(egress: Self.open) { app, client in
                let (visitor, session) = (VisitToken.random(), VisitToken.random())
                try await Self.happen(app, .validation(.init(contextId: "1", method: .verifyToken)), visitor: visitor, session: session)
                try await Self.deliver(app)  // nobody listens: passed without reading
                app.clock.advance(by: 60)
                _ = try await Self.create(client, app, url: url, events: ["visit.validated"])
                try await Self.happen(app, .validation(.init(contextId: "2", method: .verifyToken)), visitor: visitor, session: session)
                try await Self.happen(
                    app, .abuse(AbuseRecord(action: .visitorBlocked, reason: "numberVelocity", blockId: "blk_1")), visitor: visitor,
                    session: session)
                // Another account's event of the subscribed type.
                try await Self.happen(
                    app, .validation(.init(contextId: "9", method: .verifyToken)), visitor: .random(), session: .random(), account: "globex")
                try await Self.deliver(app)
                #expect(receiver.received.map(\.type) == ["visit.validated"])
                #expect(receiver.received.first?.data["contextId"] == .string("2"))
            }
        }
    }

    @Test func goneDisablesTheEndpointUntilTurnedOnAgain() async throws {
        let receiver = WebhookReceiver()
        receiver.script(.init(status: .gone))
        try await receiver.run { url in
            try await TestApp.with(egress: Self.open, webhookRetries: Self.noJitter) { app, client in
                let endpoint = try await Self.create(client, app, url: url, events: ["visit.validated"])
                let (visitor, session) = (VisitToken.random(), VisitToken.random())
                try await Self.happen(app, .validation(.init(contextId: "1", method: .verifyToken)), visitor: visitor, session: session)
                try await Self.deliver(app)
                let read = try await client.call(.get, "/api/v1/accounts/acme/webhooks/\(endpoint.id)", key: app.acmeAdmin)
                    .decoded(Endpoint.self)
                #expect(!read.enabled && read.disabledReason == "gone")
                // Off: later events are not queued, nothing is sent.
                try await Self.happen(app, .validation(.init(contextId: "2", method: .verifyToken)), visitor: visitor, session: session)
                app.clock.advance(by: 3600)
                try await Self.deliver(app)
                #expect(receiver.received.count == 1)
                let on = try await client.call(
                    .patch, "/api/v1/accounts/acme/webhooks/\(endpoint.id)", key: app.acmeAdmin, json: #"{"enabled": true}"#)
                #expect(on.status == .ok)
                #expect(try on.decoded(Endpoint.self).enabled && (try on.decoded(Endpoint.self).disabledReason) == nil)
                try await Self.happen(app, .validation(.init(contextId: "3", method: .verifyToken)), visitor: visitor, session: session)
                try await Self.deliver(app)
                #expect(receiver.received.count == 2)
            }
        }
    }

    @Test func fiveDaysOfFailuresDisableTheEndpoint() async throws {
        let receiver = WebhookReceiver()
        for _ in 0..<12 { receiver.script(.init(status: .serviceUnavailable, retryAfter: "86400")) }
        try await receiver.run { url in
            try await TestApp.with(egress: Self.open, webhookRetries: Self.noJitter) { app, client in
                let endpoint = try await Self.create(client, app, url: url, events: ["visit.validated"])
                try await Self.happen(app, .validation(.init(contextId: "1", method: .verifyToken)), visitor: .random(), session: .random())
                for _ in 0..<5 {
                    try await Self.deliver(app)
                    app.clock.advance(by: 86_400)
                }
                try await Self.deliver(app)
                let read = try await client.call(.get, "/api/v1/accounts/acme/webhooks/\(endpoint.id)", key: app.acmeAdmin)
                    .decoded(Endpoint.self)
                #expect(!read.enabled && read.disabledReason == "failing")
                #expect(receiver.received.count == 6)
            }
        }
    }

    @Test func privateTargetsAreRefusedUnlessAllowed() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            // https is required, and an address must be public.
            try await TestApp.with(egress: EgressPolicy(allowPrivateTargets: false, allowHTTP: true)) { app, client in
                let refused = try await client.call(
                    .post, "/api/v1/accounts/acme/webhooks", key: app.acmeAdmin, json: #"{"url": "\#(url)", "events": ["call.status"]}"#)
                #expect(refused.status == .badRequest && refused.envelope?.field == "url")
                #expect(refused.envelope?.message.contains("private") == true)
                // A name is checked when it is resolved, on the address connected to: localhost is refused then.
                let byName = try await Self.create(
                    client, app, url: url.replacingOccurrences(of: "127.0.0.1", with: "localhost"), events: ["visit.validated"])
                try await Self.happen(app, .validation(.init(contextId: "1", method: .verifyToken)), visitor: .random(), session: .random())
                try await Self.deliver(app)
                #expect(receiver.received.isEmpty)
                let page = try await client.call(.get, "/api/v1/accounts/acme/webhooks/\(byName.id)/deliveries", key: app.acmeAdmin)
                    .decoded(Deliveries.self)
                #expect(page.items.first?.attempts.first?.error?.contains("private or reserved address") == true)
                #expect(page.items.first?.state == "pending" && page.items.first?.attempts.first?.statusCode == nil)
            }
            try await TestApp.with { app, client in
                let refused = try await client.call(
                    .post, "/api/v1/accounts/acme/webhooks", key: app.acmeAdmin,
                    json: #"{"url": "http://hooks.brand.example/x", "events": ["call.status"]}"#)
                #expect(refused.status == .badRequest && refused.envelope?.field == "url")
                #expect(refused.envelope?.message.contains("https") == true)
            }
        }
    }

    @Test func badBodiesAreRefusedNamingTheField() async throws {
        try await TestApp.with { app, client in
            let cases: [(String, String)] = [
                (#"{"url": "not a url", "events": ["call.status"]}"#, "url"),
                (#"{"url": "https://h.example/x", "events": ["call.made"]}"#, "events"),
                (#"{"url": "https://h.example/x", "events": []}"#, "events"),
                (#"{"url": "https://h.example/x", "events": ["webhook.test"]}"#, "events"),
                (#"{"events": ["call.status"]}"#, "url"),
                (#"{"url": "https://h.example/x", "events": ["call.status"], "secret": "mine"}"#, "secret"),
                // 502 code points that are 251 characters: limits count code points, as JSON Schema does.
                (
                    #"{"url": "https://h.example/x", "events": ["call.status"], "description": ""# + String(repeating: "e\u{301}", count: 251)
                        + #""}"#, "description"
                ),
            ]
            for (json, field) in cases {
                let response = try await client.call(.post, "/api/v1/accounts/acme/webhooks", key: app.acmeAdmin, json: json)
                #expect(response.status == .badRequest, "\(json)")
                #expect(response.envelope?.field?.hasPrefix(field) == true, "\(json): \(response.text)")
            }
            let malformed = try await client.call(.post, "/api/v1/accounts/acme/webhooks", key: app.acmeAdmin, json: #"{"url": "#)
            #expect(malformed.status == .badRequest)
            let created = try await Self.create(client, app, url: "https://hooks.brand.example/beckon")
            let patch = try await client.call(
                .patch, "/api/v1/accounts/acme/webhooks/\(created.id)", key: app.acmeAdmin, json: #"{"events": ["goal.made"]}"#)
            #expect(patch.status == .badRequest && patch.envelope?.field?.hasPrefix("events") == true, "\(patch.text)")
            let reader = try await client.call(.get, "/api/v1/accounts/acme/webhooks", key: app.acmeReader)
            #expect(reader.status == .forbidden)
        }
    }

    @Test func anotherAccountsEndpointsAndDeliveriesAreInvisible() async throws {
        try await TestApp.with { app, client in
            let acme = try await Self.create(client, app, url: "https://hooks.acme.example/beckon")
            let globexPaths = [
                "/api/v1/accounts/globex/webhooks/\(acme.id)", "/api/v1/accounts/globex/webhooks/\(acme.id)/deliveries",
            ]
            for path in globexPaths {
                let response = try await client.call(.get, path, key: app.globexAdmin)
                #expect(response.status == .notFound, "\(path)")
            }
            for action in ["rotate-secret", "test"] {
                let response = try await client.call(.post, "/api/v1/accounts/globex/webhooks/\(acme.id)/\(action)", key: app.globexAdmin)
                #expect(response.status == .notFound)
            }
            let delete = try await client.call(.delete, "/api/v1/accounts/globex/webhooks/\(acme.id)", key: app.globexAdmin)
            #expect(delete.status == .notFound)
            let list = try await client.call(.get, "/api/v1/accounts/globex/webhooks", key: app.globexAdmin)
            #expect(list.status == .ok && !list.text.contains(acme.id))
            // acme's key on globex's path: refused.
            let crossed = try await client.call(.get, "/api/v1/accounts/globex/webhooks", key: app.acmeAdmin)
            #expect(crossed.status == .forbidden || crossed.status == .unauthorized)
            // The secret is never answered again.
            let read = try await client.call(.get, "/api/v1/accounts/acme/webhooks/\(acme.id)", key: app.acmeAdmin)
            #expect(read.status == .ok && !read.text.contains("whsec_"))
            let gone = try await client.call(.delete, "/api/v1/accounts/acme/webhooks/\(acme.id)", key: app.acmeAdmin)
            #expect(gone.status == .noContent)
            let after = try await client.call(.get, "/api/v1/accounts/acme/webhooks/\(acme.id)", key: app.acmeAdmin)
            #expect(after.status == .notFound)
        }
    }

    @Test func aRotationSignsWithBothSecretsForADayAndTheTestMessageArrives() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await TestApp.with(egress: Self.open) { app, client in
                let endpoint = try await Self.create(client, app, url: url, events: ["call.status"])
                struct Rotated: Decodable { var secret: String }
                let rotated = try await client.call(
                    .post, "/api/v1/accounts/acme/webhooks/\(endpoint.id)/rotate-secret", key: app.acmeAdmin)
                #expect(rotated.status == .ok)
                let newSecret = try rotated.decoded(Rotated.self).secret
                #expect(newSecret != endpoint.secret && newSecret.hasPrefix("whsec_"))
                let test = try await client.call(.post, "/api/v1/accounts/acme/webhooks/\(endpoint.id)/test", key: app.acmeAdmin)
                #expect(test.status == .accepted)
                try await Self.deliver(app)
                let first = try #require(receiver.received.first)
                #expect(first.type == "webhook.test")
                #expect(first.headers["webhook-signature"]?.split(separator: " ").count == 2)
                try Self.verify(first, secret: newSecret, now: app.clock.now())
                try Self.verify(first, secret: endpoint.secret, now: app.clock.now())
                // A day later only the new secret signs.
                app.clock.advance(by: 86_401)
                _ = try await client.call(.post, "/api/v1/accounts/acme/webhooks/\(endpoint.id)/test", key: app.acmeAdmin)
                try await Self.deliver(app)
                let later = try #require(receiver.received.last)
                #expect(later.headers["webhook-signature"]?.split(separator: " ").count == 1)
                try Self.verify(later, secret: newSecret, now: app.clock.now())
                #expect(throws: WebhookSignature.Failure.noMatchingSignature) {
                    try Self.verify(later, secret: endpoint.secret, now: app.clock.now())
                }
            }
        }
    }

    @Test func personalDataOnlyForAnEndpointThatOptsIn() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await TestApp.with(egress: Self.open) { app, client in
                _ = try await Self.create(client, app, url: url, events: ["visit.validated"])
                _ = try await Self.create(client, app, url: url + "?personal=1", events: ["visit.validated"], personal: true)
                let (visitor, session) = (VisitToken.random(), VisitToken.random())
                let personal = EngagementAttribute(stored: ["type": .string("personal"), "personal": .object(["firstname": .string("Ana")])])
                try await Self.happen(app, .attribute(.init(pageId: "1", source: .page, attribute: personal)), visitor: visitor, session: session)
                try await Self.happen(app, .validation(.init(contextId: "1", method: .verifyToken)), visitor: visitor, session: session)
                try await Self.deliver(app)
                let received = receiver.received
                #expect(received.count == 2)
                #expect(received.filter { $0.data["personal"] != nil }.count == 1)
                #expect(received.contains { $0.data["personal"] == .object(["firstname": .string("Ana")]) })
            }
        }
    }
}

/// The HTTP side of deliveries, on the real client: a receiver that never answers is given up on
/// at the timeout (a short one here, 15 s in service), redirects are not followed.
@Suite struct EgressHTTPClientTests {
    @Test func aReceiverThatNeverAnswersTimesOutAndRedirectsAreNotFollowed() async throws {
        let (never, release) = AsyncStream<Void>.makeStream()
        let router = Router()
        router.post("hang") { _, _ -> Response in
            for await _ in never {}
            return Response(status: .ok)
        }
        router.post("moved") { _, _ -> Response in
            Response(status: .found, headers: [.location: "http://127.0.0.1:1/elsewhere"])
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(client.port ?? 0)"
            let sender = EgressHTTPClient(
                policy: EgressPolicy(allowPrivateTargets: true, allowHTTP: true), timeout: .milliseconds(200),
                logger: Logger(label: "test"))
            let hung = await sender.send(url: base + "/hang", headers: [], body: Array("{}".utf8))
            #expect(hung.statusCode == nil && hung.error?.contains("timed out") == true, "\(hung.error ?? "")")
            let moved = await sender.send(url: base + "/moved", headers: [], body: Array("{}".utf8))
            #expect(moved.statusCode == 302)
            let refused = await EgressHTTPClient(policy: EgressPolicy(allowHTTP: true), logger: Logger(label: "test"))
                .send(url: base + "/moved", headers: [], body: [])
            #expect(refused.statusCode == nil && refused.error?.contains("private or reserved") == true)
            release.finish()
            await sender.shutdown()
        }
    }
}
