package import Foundation

/// A brand's URL subscribed to some of its account's events (SPEC §12).
package struct WebhookEndpoint: Sendable, Equatable {
    package var id: String
    package var accountId: AccountID
    package var url: String
    package var events: Set<WebhookEventType>
    package var description: String?
    /// Whether messages carry the visitor's personal data (off unless the brand opts in).
    package var includePersonalData: Bool
    package var enabled: Bool
    /// Why Beckon turned it off (410 from the receiver, five days of failures); nil when on or
    /// turned off by the brand.
    package var disabledReason: WebhookDisabledReason?
    /// The signing secret, sealed with the master key (bound to the endpoint's id).
    package var sealedSecret: [UInt8]
    /// The secret before the last rotation, still signing until `previousSecretExpiresAt`.
    package var sealedPreviousSecret: [UInt8]?
    package var previousSecretExpiresAt: Date?
    package var createdAt: Date
    package var updatedAt: Date
    /// When the current run of failed attempts began; nil after a success.
    package var failingSince: Date?

    package init(
        id: String, accountId: AccountID, url: String, events: Set<WebhookEventType>, description: String?,
        includePersonalData: Bool, enabled: Bool = true, disabledReason: WebhookDisabledReason? = nil, sealedSecret: [UInt8],
        sealedPreviousSecret: [UInt8]? = nil, previousSecretExpiresAt: Date? = nil, createdAt: Date, updatedAt: Date? = nil,
        failingSince: Date? = nil
    ) {
        self.id = id
        self.accountId = accountId
        self.url = url
        self.events = events
        self.description = description
        self.includePersonalData = includePersonalData
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.sealedSecret = sealedSecret
        self.sealedPreviousSecret = sealedPreviousSecret
        self.previousSecretExpiresAt = previousSecretExpiresAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.failingSince = failingSince
    }

    /// `ep_` and 128 random bits.
    package static func newId() -> String { "ep_" + Base64URL.encode(RandomToken.bytes(16)) }

    /// How long a rotated-out secret keeps signing (SPEC §12).
    package static let rotationOverlap: TimeInterval = 24 * 3600
}

/// Why Beckon disabled an endpoint.
package enum WebhookDisabledReason: String, Sendable, Codable {
    /// The receiver answered 410 Gone.
    case gone
    /// Every attempt failed for five days.
    case failing
}

/// Where a message stands for one endpoint.
package enum WebhookDeliveryState: String, Sendable, Codable {
    /// Waiting for its next attempt (or its first).
    case pending
    case delivered
    /// No attempt is left (the schedule ran out, or the endpoint answered 410).
    case failed
}

/// One attempt to deliver a message.
package struct WebhookAttempt: Sendable, Equatable, Codable {
    package var at: Date
    /// The receiver's status code; nil when none came (refused, timed out, not allowed).
    package var statusCode: Int?
    package var latencyMillis: Int
    /// Why it failed without a status code, in words (never the body the receiver sent).
    package var error: String?

    package init(at: Date, statusCode: Int?, latencyMillis: Int, error: String?) {
        self.at = at
        self.statusCode = statusCode
        self.latencyMillis = latencyMillis
        self.error = error
    }
}

/// One message to one endpoint, with its attempts.
package struct WebhookDelivery: Sendable, Equatable {
    package var endpointId: String
    package var message: WebhookMessage
    package var state: WebhookDeliveryState
    /// Every attempt, oldest first.
    package var attempts: [WebhookAttempt]
    /// The attempts made on the current schedule (a redelivery starts it again).
    package var scheduledAttempts: Int
    package var nextAttemptAt: Date?
    /// When it was put in the outbox.
    package var createdAt: Date

    package init(
        endpointId: String, message: WebhookMessage, state: WebhookDeliveryState = .pending, attempts: [WebhookAttempt] = [],
        scheduledAttempts: Int? = nil, nextAttemptAt: Date?, createdAt: Date
    ) {
        self.endpointId = endpointId
        self.message = message
        self.state = state
        self.attempts = attempts
        self.scheduledAttempts = scheduledAttempts ?? attempts.count
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
    }
}

/// A page of an endpoint's deliveries, newest first.
package struct WebhookDeliveryPage: Sendable, Equatable {
    package var deliveries: [WebhookDelivery]
    /// Where the next page starts; nil on the last.
    package var nextCursor: String?

    package init(deliveries: [WebhookDelivery], nextCursor: String?) {
        self.deliveries = deliveries
        self.nextCursor = nextCursor
    }
}

/// Endpoints, the outbox of deliveries, and the delivery service's progress through the journal.
package protocol WebhookRepository: Sendable {
    /// Throws `.unknownAccount` when there is no such account.
    func create(_ endpoint: WebhookEndpoint) async throws
    /// The endpoint only when it belongs to `accountId`.
    func endpoint(accountId: AccountID, id: String) async throws -> WebhookEndpoint?
    func endpoints(accountId: AccountID) async throws -> [WebhookEndpoint]
    /// Replaces the stored endpoint; throws `.notFound` when the account has no such endpoint.
    func update(_ endpoint: WebhookEndpoint) async throws
    /// Removes the endpoint and its deliveries; throws `.notFound` when the account has none such.
    func delete(accountId: AccountID, id: String) async throws

    /// How far the journal has been turned into deliveries.
    func journalProgress() async throws -> Int64
    /// Puts `messages` in the outbox of every enabled endpoint of their account that subscribes
    /// to their type and existed when they occurred, and moves the progress from `previous` to
    /// `sequence`, in one transaction (a message is never queued twice, nor lost). Throws
    /// `.conflict` when the progress is no longer `previous` (another node moved it).
    func fanOut(_ messages: [WebhookMessage], from previous: Int64, through sequence: Int64, at: Date) async throws
    /// Puts one message in one endpoint's outbox (the test message), due at once.
    func enqueue(_ message: WebhookMessage, endpointId: String, at: Date) async throws

    /// Up to `limit` pending deliveries due at `now`, of enabled endpoints, oldest due first, at
    /// most `perEndpoint` of each endpoint (a receiver that is down cannot hold up the others).
    func dueDeliveries(now: Date, limit: Int, perEndpoint: Int) async throws -> [WebhookDelivery]
    /// What the enabled endpoints of each account subscribe to, together (accounts with none
    /// are absent: their events need not be read).
    func subscriptions() async throws -> [AccountID: Set<WebhookEventType>]
    /// Moves the progress from `previous` to `sequence` without messages (no endpoint to go to);
    /// throws `.conflict` when it is no longer `previous`.
    func skipJournal(from previous: Int64, through sequence: Int64) async throws
    /// Stores the outcomes of a pass's attempts in one transaction: each delivery's attempts, new
    /// state and next attempt, and what they mean for their endpoints (healthy again; failing
    /// since when; off after five days failing or a 410).
    func record(_ outcomes: [WebhookAttemptOutcome]) async throws
    /// The endpoint's deliveries, newest first, `limit` at a time.
    func deliveries(accountId: AccountID, endpointId: String, cursor: String?, limit: Int) async throws -> WebhookDeliveryPage
    func delivery(accountId: AccountID, endpointId: String, messageId: String) async throws -> WebhookDelivery?
    /// Makes the delivery pending again, due at `at`, with a fresh schedule; throws `.notFound`.
    func redeliver(accountId: AccountID, endpointId: String, messageId: String, at: Date) async throws
    /// Deletes every delivery about the visitor (erasure); answers how many.
    func deleteVisitor(accountId: AccountID, visitorId: String) async throws -> Int
    /// Pending deliveries (operations and tests).
    func pendingCount() async throws -> Int
}

/// One attempt's outcome, as stored.
package struct WebhookAttemptOutcome: Sendable, Equatable {
    package var endpointId: String
    package var messageId: String
    /// Every attempt so far, this one last (the last `keptAttempts` are kept).
    package var attempts: [WebhookAttempt]
    package var state: WebhookDeliveryState
    package var nextAttemptAt: Date?
    package var endpoint: WebhookEndpointOutcome

    package init(
        endpointId: String, messageId: String, attempts: [WebhookAttempt], state: WebhookDeliveryState, nextAttemptAt: Date?,
        endpoint: WebhookEndpointOutcome
    ) {
        self.endpointId = endpointId
        self.messageId = messageId
        self.attempts = Array(attempts.suffix(Self.keptAttempts))
        self.state = state
        self.nextAttemptAt = nextAttemptAt
        self.endpoint = endpoint
    }

    /// How many attempts a delivery lists (redeliveries add more than the schedule's eleven).
    package static let keptAttempts = 30
}

extension WebhookRepository {
    /// Stores one attempt's outcome after the delivery's earlier `attempts`.
    package func record(
        _ attempt: WebhookAttempt, after attempts: [WebhookAttempt] = [], endpointId: String, messageId: String,
        state: WebhookDeliveryState, nextAttemptAt: Date?, endpoint: WebhookEndpointOutcome
    ) async throws {
        try await record([
            WebhookAttemptOutcome(
                endpointId: endpointId, messageId: messageId, attempts: attempts + [attempt], state: state, nextAttemptAt: nextAttemptAt,
                endpoint: endpoint)
        ])
    }
}
