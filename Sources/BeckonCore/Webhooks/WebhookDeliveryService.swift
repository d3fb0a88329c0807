package import Foundation
package import Logging
import ServiceLifecycle

/// Delivers webhooks (SPEC §12) on the node holding the `webhooks.delivery` lock, once a
/// second: it reads the journal after its progress, puts each event endpoints hear of into the
/// outbox of every endpoint subscribed (moving the progress in the same transaction), then
/// sends what is due — signed, at most `concurrency` at a time — and stores each attempt's
/// outcome and next attempt. The journal event is durable before its message exists, and the
/// outbox before anything is sent, so a kill -9 anywhere loses nothing: at worst an attempt is
/// made again with the same `webhook-id`.
package actor WebhookDeliveryService: Service {
    package static let lockName = "webhooks.delivery"

    private let repository: any WebhookRepository
    private let journal: any JournalStore
    private let sender: any WebhookSender
    private let secrets: SecretBox
    private let clock: any WallClock
    private let logger: Logger
    private let metrics: DomainMetrics
    private let interval: Duration
    private let batchSize: Int
    private let concurrency: Int
    private let policy: WebhookRetryPolicy
    private let runOnce: any RunOnceLock
    private var gaps: JournalGapWatch
    private var progress: Int64?

    package init(
        repository: any WebhookRepository, journal: any JournalStore, sender: any WebhookSender, secrets: SecretBox,
        clock: any WallClock = SystemWallClock(), logger: Logger, metrics: DomainMetrics = DomainMetrics(),
        interval: Duration = .seconds(1), batchSize: Int = 2000, concurrency: Int = 32, policy: WebhookRetryPolicy = WebhookRetryPolicy(),
        gapPatience: TimeInterval = 10, runOnce: any RunOnceLock = SingleNodeLock()
    ) {
        self.repository = repository
        self.journal = journal
        self.sender = sender
        self.secrets = secrets
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
        self.interval = interval
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.policy = policy
        self.runOnce = runOnce
        self.gaps = JournalGapWatch(patience: gapPatience)
    }

    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.runOnce.run(holding: Self.lockName) {
                    await self.deliverUntilStopped()
                }
            }
        } catch {
            await sender.shutdown()
            throw error
        }
        await sender.shutdown()
    }

    private func deliverUntilStopped() async {
        progress = nil
        gaps.reset()
        var busy = false
        while !Task.isCancelled {
            if !busy {
                do { try await Task.sleep(for: interval) } catch { return }
            }
            busy = false
            do {
                _ = try await fanOut()
                // Passes until nothing is due, for about `interval`, then the journal again. A pass
                // takes at most `concurrency` of one endpoint, so a receiver that is down (each
                // attempt waiting out its timeout) slows the others' passes but does not stop them.
                let start = ContinuousClock.now
                while !Task.isCancelled, ContinuousClock.now - start < interval, try await deliverDue() > 0 { busy = true }
            } catch {
                progress = nil
                logger.error("webhook deliveries could not go on", metadata: ["error": "\(error)"])
            }
        }
    }

    private var batchLimit: Int { concurrency * 4 }

    /// How far the nodes' clocks may disagree (events are timed by the node that took them).
    static let clockMargin: TimeInterval = 5

    /// Turns the journal's new events into deliveries; answers how many messages were made.
    @discardableResult
    package func fanOut() async throws -> Int {
        var progress: Int64
        if let known = self.progress { progress = known } else { progress = try await repository.journalProgress() }
        // Who hears of what, as of `snapshot`. An endpoint made later hears only of events that
        // occur after it was made, so an event that occurred before `snapshot` (less a margin for
        // the nodes' clocks) is left out when nobody hears of it; a later one goes to the outbox's
        // own check. With no endpoint anywhere the journal is not read at all: what it held
        // before the snapshot is passed.
        let end = try await journal.latestSequence()
        let snapshot = clock.now().addingTimeInterval(-Self.clockMargin)
        let subscriptions = try await repository.subscriptions()
        if subscriptions.isEmpty {
            if end > progress {
                do { try await repository.skipJournal(from: progress, through: end) } catch {
                    self.progress = nil
                    throw error
                }
            }
            self.progress = max(progress, end)
            gaps.reset()
            return 0
        }
        // The journal kinds each account's endpoints hear of: other events are not even decoded.
        let kinds = subscriptions.mapValues { Set($0.compactMap(WebhookMessage.kind(of:))) }
        var made = 0
        while true {
            let batch = gaps.contiguous(
                try await journal.events(afterSequence: progress, limit: batchSize), after: progress, now: clock.now())
            guard let last = batch.last?.sequence else { break }
            // Only what some enabled endpoint of the account hears of is decoded and queued.
            let messages = Array(
                batch.lazy.filter { $0.event.occurredAt >= snapshot || kinds[$0.event.accountId]?.contains($0.event.kind) == true }
                    .compactMap(WebhookMessage.from)
                    .filter { $0.occurredAt >= snapshot || subscriptions[$0.accountId]?.contains($0.type) == true })
            do {
                try await repository.fanOut(messages, from: progress, through: last, at: clock.now())
            } catch {
                self.progress = nil
                throw error
            }
            progress = last
            self.progress = last
            made += messages.count
            if batch.count < batchSize { break }
        }
        return made
    }

    /// Attempts the deliveries due now, at most `concurrency` at a time; answers how many.
    @discardableResult
    package func deliverDue() async throws -> Int {
        let due = try await repository.dueDeliveries(now: clock.now(), limit: batchLimit, perEndpoint: concurrency)
        guard !due.isEmpty else { return 0 }
        var endpoints: [String: WebhookEndpoint] = [:]
        for delivery in due where endpoints[delivery.endpointId] == nil {
            endpoints[delivery.endpointId] = try await repository.endpoint(
                accountId: delivery.message.accountId, id: delivery.endpointId)
        }
        let known = endpoints
        // Each endpoint's secrets unsealed once a pass, not once a message.
        var signing: [String: [WebhookSecret]] = [:]
        for (id, endpoint) in known { signing[id] = try signingSecrets(of: endpoint, at: clock.now()) }
        let secrets = signing
        // Sent concurrently; stored together, in one transaction per pass.
        let outcomes = try await withThrowingTaskGroup(of: WebhookAttemptOutcome.self) { group in
            var running = 0
            var outcomes: [WebhookAttemptOutcome] = []
            for delivery in due {
                guard let endpoint = known[delivery.endpointId], let keys = secrets[delivery.endpointId] else { continue }
                if running == concurrency, let outcome = try await group.next() {
                    outcomes.append(outcome)
                    running -= 1
                }
                group.addTask { try await self.attempt(delivery, to: endpoint, signedWith: keys) }
                running += 1
            }
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        try await repository.record(outcomes)
        return due.count
    }

    /// One attempt: sign with every current secret, send; answers the outcome to store.
    private func attempt(
        _ delivery: WebhookDelivery, to endpoint: WebhookEndpoint, signedWith secrets: [WebhookSecret]
    ) async throws
        -> WebhookAttemptOutcome
    {
        let now = clock.now()
        var message = delivery.message
        if endpoint.includePersonalData { message.data.merge(try await personalData(of: message)) { current, _ in current } }
        let body = message.body
        let timestamp = Int64(now.timeIntervalSince1970)
        let signature = WebhookSignature.header(
            id: message.id, timestamp: timestamp, body: body, secrets: secrets)
        let outcome = await sender.send(
            url: endpoint.url,
            headers: [
                ("content-type", "application/json"), ("user-agent", "Beckon-Webhooks/1"), ("webhook-id", message.id),
                ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature),
            ], body: body)
        let decision = policy.decide(after: outcome, attempt: delivery.scheduledAttempts + 1, now: clock.now())
        metrics.attemptedWebhook(delivered: decision == .delivered)
        let record = WebhookAttempt(at: now, statusCode: outcome.statusCode, latencyMillis: outcome.latencyMillis, error: outcome.error)
        let state: WebhookDeliveryState
        let next: Date?
        let endpointOutcome: WebhookEndpointOutcome
        switch decision {
        case .delivered: (state, next, endpointOutcome) = (.delivered, nil, .succeeded)
        case .retry(let at): (state, next, endpointOutcome) = (.pending, at, .failed(now: now))
        case .givenUp: (state, next, endpointOutcome) = (.failed, nil, .failed(now: now))
        case .gone: (state, next, endpointOutcome) = (.failed, nil, .gone)
        }
        if decision == .gone {
            logger.warning("webhook endpoint answered 410 Gone: disabled", metadata: ["endpoint": "\(endpoint.id)"])
        }
        return WebhookAttemptOutcome(
            endpointId: endpoint.id, messageId: message.id, attempts: delivery.attempts + [record], state: state, nextAttemptAt: next,
            endpoint: endpointOutcome)
    }

    /// The current secret, and the previous one during the rotation's overlap.
    private func signingSecrets(of endpoint: WebhookEndpoint, at now: Date) throws -> [WebhookSecret] {
        var sealed = [endpoint.sealedSecret]
        if let previous = endpoint.sealedPreviousSecret, let until = endpoint.previousSecretExpiresAt, until > now {
            sealed.append(previous)
        }
        return try sealed.map { box in
            guard let secret = WebhookSecret(try secrets.open(box, boundTo: endpoint.id)) else {
                throw BeckonError.invalidInput(field: "secret", reason: "a stored webhook secret is unreadable")
            }
            return secret
        }
    }

    /// The visitor's personal and customer information as last reported in the visit (for an
    /// endpoint that opted in): `personal` and `customer`, each the reported SDE's content.
    private func personalData(of message: WebhookMessage) async throws -> [String: JSONValue] {
        guard case .string(let visitor)? = message.data["visitorId"] else { return [:] }
        let history = try await journal.events(
            accountId: message.accountId, visitorId: visitor, since: message.occurredAt.addingTimeInterval(-6 * 3600), limit: 2000)
        var personal: [String: JSONValue] = [:]
        for stored in history where stored.event.occurredAt <= message.occurredAt {
            guard let entry = VisitJournalEntry(stored.event), case .attribute(let record) = entry.event else { continue }
            switch record.attribute.type {
            case "personal": personal["personal"] = record.attribute.fields["personal"] ?? .null
            case "ctmrinfo": personal["customer"] = record.attribute.fields["info"] ?? .null
            default: continue
            }
        }
        return personal
    }
}

/// What an attempt means for its endpoint.
package enum WebhookEndpointOutcome: Sendable, Equatable {
    /// The endpoint is healthy again.
    case succeeded
    /// It failed: failing since now unless it was already; off when failing five days.
    case failed(now: Date)
    /// The receiver answered 410: off.
    case gone
}
