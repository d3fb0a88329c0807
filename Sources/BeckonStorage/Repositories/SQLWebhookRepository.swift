package import BeckonCore
package import Foundation

/// `WebhookRepository` over either SQL backend.
package struct SQLWebhookRepository: WebhookRepository {
    let database: any SQLDatabase

    package init(database: any SQLDatabase) { self.database = database }

    package func create(_ endpoint: WebhookEndpoint) async throws {
        do {
            try await database.query(
                """
                INSERT INTO webhook_endpoints (id, account_id, url, events, description, include_personal_data, enabled,
                    disabled_reason, sealed_secret, sealed_previous_secret, previous_secret_expires_at, created_at, updated_at,
                    failing_since)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, Self.values(endpoint))
        } catch SQLFailure.foreignKeyViolation {
            throw BeckonError.unknownAccount(endpoint.accountId.rawValue)
        }
    }

    package func endpoint(accountId: AccountID, id: String) async throws -> WebhookEndpoint? {
        try await database.query(
            "SELECT * FROM webhook_endpoints WHERE account_id = ? AND id = ?", .text(accountId.rawValue), .text(id)
        ).first.map(Self.endpoint)
    }

    package func endpoints(accountId: AccountID) async throws -> [WebhookEndpoint] {
        try await database.query(
            "SELECT * FROM webhook_endpoints WHERE account_id = ? ORDER BY created_at, id", .text(accountId.rawValue)
        ).map(Self.endpoint)
    }

    package func update(_ endpoint: WebhookEndpoint) async throws {
        let values = Self.values(endpoint)
        let updated = try await database.query(
            """
            UPDATE webhook_endpoints SET url = ?, events = ?, description = ?, include_personal_data = ?, enabled = ?,
                disabled_reason = ?, sealed_secret = ?, sealed_previous_secret = ?, previous_secret_expires_at = ?,
                updated_at = ?, failing_since = ?
            WHERE account_id = ? AND id = ? RETURNING id
            """, Array(values[2..<11]) + [values[12], values[13], values[1], values[0]])
        guard !updated.isEmpty else { throw BeckonError.notFound("webhook \(endpoint.id)") }
    }

    package func delete(accountId: AccountID, id: String) async throws {
        let account = SQLValue.text(accountId.rawValue)
        try await database.transaction { session in
            try await session.query("DELETE FROM webhook_deliveries WHERE account_id = ? AND endpoint_id = ?", account, .text(id))
            let deleted = try await session.query(
                "DELETE FROM webhook_endpoints WHERE account_id = ? AND id = ? RETURNING id", account, .text(id))
            guard !deleted.isEmpty else { throw BeckonError.notFound("webhook \(id)") }
        }
    }

    package func journalProgress() async throws -> Int64 {
        try await database.query("SELECT sequence FROM webhook_progress WHERE name = 'journal'").first?.int("sequence") ?? 0
    }

    package func fanOut(_ messages: [WebhookMessage], from previous: Int64, through sequence: Int64, at: Date) async throws {
        try await database.transaction { session in
            try await Self.moveProgress(from: previous, through: sequence, in: session)
            try await Self.enqueue(messages, in: session, at: at)
        }
    }

    /// Moves the journal progress from `previous`; `.conflict` when another node moved it.
    private static func moveProgress(from previous: Int64, through sequence: Int64, in session: any SQLExecutor) async throws {
        let moved = try await session.query(
            "UPDATE webhook_progress SET sequence = ? WHERE name = 'journal' AND sequence = ? RETURNING sequence",
            .integer(sequence), .integer(previous))
        guard !moved.isEmpty else { throw BeckonError.conflict("the webhook deliveries were advanced by another process") }
    }

    /// Puts each message in the outbox of every enabled endpoint of its account subscribed to
    /// its type that existed when it occurred, due at `at` — or, when nil, when the message
    /// occurred (the rollups call this for `goal.reached`, inside their transaction, behind the
    /// events by a few seconds). A message already queued for an endpoint is left as it is.
    package static func enqueue(_ messages: [WebhookMessage], in session: any SQLExecutor, at: Date?) async throws {
        for message in messages {
            try await session.query(
                insertDelivery + " WHERE account_id = ? AND enabled = 1 AND events LIKE ? AND created_at <= ? ON CONFLICT DO NOTHING",
                try deliveryValues(message, at: at ?? message.occurredAt) + [
                    .text(message.accountId.rawValue), .text("% \(message.type.rawValue) %"), .date(message.occurredAt),
                ])
        }
    }

    package func enqueue(_ message: WebhookMessage, endpointId: String, at: Date) async throws {
        let inserted = try await database.query(
            Self.insertDelivery + " WHERE account_id = ? AND id = ? RETURNING message_id",
            try Self.deliveryValues(message, at: at) + [.text(message.accountId.rawValue), .text(endpointId)])
        guard !inserted.isEmpty else { throw BeckonError.notFound("webhook \(endpointId)") }
    }

    /// A message's pending delivery to the endpoints the caller's WHERE selects.
    private static let insertDelivery = """
        INSERT INTO webhook_deliveries (endpoint_id, message_id, account_id, visitor_id, event_type, occurred_at, data, state,
            attempts, attempt_count, next_attempt_at, created_at)
        SELECT id, ?, account_id, ?, ?, ?, ?, 'pending', '[]', 0, ?, ? FROM webhook_endpoints
        """

    private static func deliveryValues(_ message: WebhookMessage, at: Date) throws -> [SQLValue] {
        [
            .text(message.id), .optionalText(message.data["visitorId"]?.string), .text(message.type.rawValue),
            .date(message.occurredAt), .text(try dataText(message)), .date(at), .date(at),
        ]
    }

    /// Index range scans only, however long the backlog: whether anything is due at all, then
    /// each enabled endpoint's oldest due, oldest endpoints' first.
    package func dueDeliveries(now: Date, limit: Int, perEndpoint: Int) async throws -> [WebhookDelivery] {
        let anything = try await database.query(
            "SELECT message_id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ? LIMIT 1", .date(now))
        guard !anything.isEmpty else { return [] }
        let endpoints = try await database.query("SELECT id FROM webhook_endpoints WHERE enabled = 1 ORDER BY id").map { try $0.text("id") }
        var due: [WebhookDelivery] = []
        for endpoint in endpoints where due.count < limit {
            due += try await database.query(
                """
                SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND state = 'pending' AND next_attempt_at <= ?
                ORDER BY next_attempt_at LIMIT ?
                """, .text(endpoint), .date(now), .integer(Int64(min(perEndpoint, limit - due.count)))
            ).map(Self.delivery)
        }
        return due.sorted { ($0.nextAttemptAt ?? .distantPast, $0.createdAt) < ($1.nextAttemptAt ?? .distantPast, $1.createdAt) }
    }

    package func subscriptions() async throws -> [AccountID: Set<WebhookEventType>] {
        var subscriptions: [AccountID: Set<WebhookEventType>] = [:]
        for row in try await database.query("SELECT account_id, events FROM webhook_endpoints WHERE enabled = 1") {
            let events = try row.text("events").split(separator: " ").compactMap { WebhookEventType(rawValue: String($0)) }
            subscriptions[AccountID(trusted: try row.text("account_id")), default: []].formUnion(events)
        }
        return subscriptions
    }

    package func skipJournal(from previous: Int64, through sequence: Int64) async throws {
        try await Self.moveProgress(from: previous, through: sequence, in: database)
    }

    package func record(_ outcomes: [WebhookAttemptOutcome]) async throws {
        guard !outcomes.isEmpty else { return }
        // Per endpoint: a 410 turns it off; otherwise one success in the pass makes it healthy;
        // otherwise it is failing (since the pass's first failure unless earlier).
        var endpoints: [String: WebhookEndpointOutcome] = [:]
        var goneAt: [String: Date] = [:]
        for outcome in outcomes {
            switch (endpoints[outcome.endpointId], outcome.endpoint) {
            case (.gone?, _): continue
            case (_, .gone), (nil, _), (.failed?, .succeeded): endpoints[outcome.endpointId] = outcome.endpoint
            default: continue
            }
            if outcome.endpoint == .gone { goneAt[outcome.endpointId] = outcome.attempts.last?.at }
        }
        let rows = try outcomes.map { outcome in
            [
                SQLValue.text(outcome.state.rawValue), .text(try Self.text(outcome.attempts)), .optionalDate(outcome.nextAttemptAt),
                .text(outcome.endpointId), .text(outcome.messageId),
            ]
        }
        let endpointOutcomes = endpoints.sorted { $0.key < $1.key }.map { ($0.key, $0.value, goneAt[$0.key] ?? Date()) }
        try await database.transaction { session in
            for row in rows {
                try await session.query(
                    """
                    UPDATE webhook_deliveries SET state = ?, attempts = ?, attempt_count = attempt_count + 1, next_attempt_at = ?
                    WHERE endpoint_id = ? AND message_id = ?
                    """, row)
            }
            for (endpointId, outcome, changedAt) in endpointOutcomes {
                switch outcome {
                case .succeeded:
                    try await session.query(
                        "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL", .text(endpointId))
                case .failed(let now):
                    try await session.query(
                        "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ?", .date(now), .text(endpointId))
                    try await session.query(
                        """
                        UPDATE webhook_endpoints SET enabled = 0, disabled_reason = 'failing', updated_at = ?
                        WHERE id = ? AND enabled = 1 AND failing_since <= ?
                        """, .date(now), .text(endpointId), .date(now.addingTimeInterval(-WebhookRetryPolicy.disableAfter)))
                case .gone:
                    try await session.query(
                        "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = 'gone', updated_at = ? WHERE id = ?",
                        .date(changedAt),
                        .text(endpointId))
                }
            }
        }
    }

    package func deliveries(accountId: AccountID, endpointId: String, cursor: String?, limit: Int) async throws -> WebhookDeliveryPage {
        var sql = "SELECT * FROM webhook_deliveries WHERE account_id = ? AND endpoint_id = ?"
        var binds: [SQLValue] = [.text(accountId.rawValue), .text(endpointId)]
        if let cursor {
            guard let after = DeliveryCursor(cursor) else { throw BeckonError.invalidInput(field: "cursor", reason: "is not a cursor") }
            sql += " AND (created_at < ? OR (created_at = ? AND message_id < ?))"
            binds += [.integer(after.createdAt), .integer(after.createdAt), .text(after.messageId)]
        }
        sql += " ORDER BY created_at DESC, message_id DESC LIMIT ?"
        binds.append(.integer(Int64(limit + 1)))
        var deliveries = try await database.query(sql, binds).map(Self.delivery)
        var next: String?
        if deliveries.count > limit {
            deliveries.removeLast(deliveries.count - limit)
            if let last = deliveries.last {
                next = DeliveryCursor(createdAt: last.createdAt.millisecondsSince1970, messageId: last.message.id).description
            }
        }
        return WebhookDeliveryPage(deliveries: deliveries, nextCursor: next)
    }

    package func delivery(accountId: AccountID, endpointId: String, messageId: String) async throws -> WebhookDelivery? {
        try await database.query(
            "SELECT * FROM webhook_deliveries WHERE account_id = ? AND endpoint_id = ? AND message_id = ?",
            .text(accountId.rawValue), .text(endpointId), .text(messageId)
        ).first.map(Self.delivery)
    }

    package func redeliver(accountId: AccountID, endpointId: String, messageId: String, at: Date) async throws {
        let updated = try await database.query(
            """
            UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = ?, attempt_count = 0
            WHERE account_id = ? AND endpoint_id = ? AND message_id = ? RETURNING message_id
            """, .date(at), .text(accountId.rawValue), .text(endpointId), .text(messageId))
        guard !updated.isEmpty else { throw BeckonError.notFound("delivery \(messageId)") }
    }

    package func deleteVisitor(accountId: AccountID, visitorId: String) async throws -> Int {
        try await database.query(
            "DELETE FROM webhook_deliveries WHERE account_id = ? AND visitor_id = ? RETURNING message_id", .text(accountId.rawValue),
            .text(visitorId)
        ).count
    }

    package func pendingCount() async throws -> Int {
        Int(try await database.query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'pending'").first?.int("n") ?? 0)
    }

    // MARK: rows

    private static func values(_ endpoint: WebhookEndpoint) -> [SQLValue] {
        [
            .text(endpoint.id), .text(endpoint.accountId.rawValue), .text(endpoint.url), .text(eventsText(endpoint.events)),
            .optionalText(endpoint.description), .integer(endpoint.includePersonalData ? 1 : 0), .integer(endpoint.enabled ? 1 : 0),
            .optionalText(endpoint.disabledReason?.rawValue), .blob(endpoint.sealedSecret),
            endpoint.sealedPreviousSecret.map(SQLValue.blob) ?? .null, .optionalDate(endpoint.previousSecretExpiresAt),
            .date(endpoint.createdAt), .date(endpoint.updatedAt), .optionalDate(endpoint.failingSince),
        ]
    }

    /// ` a b c `: spaces around each name, so `LIKE '% name %'` matches one name exactly.
    private static func eventsText(_ events: Set<WebhookEventType>) -> String {
        " " + events.map(\.rawValue).sorted().joined(separator: " ") + " "
    }

    private static func endpoint(_ row: SQLRow) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row.text("id"), accountId: AccountID(trusted: try row.text("account_id")), url: try row.text("url"),
            events: Set(try row.text("events").split(separator: " ").compactMap { WebhookEventType(rawValue: String($0)) }),
            description: try row.optionalText("description"), includePersonalData: try row.int("include_personal_data") != 0,
            enabled: try row.int("enabled") != 0, disabledReason: try row.optionalText("disabled_reason").flatMap(WebhookDisabledReason.init),
            sealedSecret: try row.blob("sealed_secret"), sealedPreviousSecret: try row.optionalBlob("sealed_previous_secret"),
            previousSecretExpiresAt: try row.optionalDate("previous_secret_expires_at"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"), failingSince: try row.optionalDate("failing_since"))
    }

    private static func delivery(_ row: SQLRow) throws -> WebhookDelivery {
        guard let type = WebhookEventType(rawValue: try row.text("event_type")),
            case .object(let data) = try JSONValue(parsing: Data(try row.text("data").utf8))
        else { throw SQLFailure.unavailable(underlying: "a webhook delivery row is unreadable") }
        let message = WebhookMessage(
            id: try row.text("message_id"), accountId: AccountID(trusted: try row.text("account_id")), type: type,
            occurredAt: try row.date("occurred_at"), data: data)
        // A redelivery starts the schedule again (`attempt_count`); earlier attempts stay listed.
        return WebhookDelivery(
            endpointId: try row.text("endpoint_id"), message: message,
            state: WebhookDeliveryState(rawValue: try row.text("state")) ?? .pending, attempts: try attempts(try row.text("attempts")),
            scheduledAttempts: Int(try row.int("attempt_count")), nextAttemptAt: try row.optionalDate("next_attempt_at"),
            createdAt: try row.date("created_at"))
    }

    private static let coder = (encoder: JSONEncoder.sortedKeys, decoder: JSONDecoder())

    private static func dataText(_ message: WebhookMessage) throws -> String {
        String(decoding: try JSONEncoder.sortedKeys.encode(JSONValue.object(message.data)), as: UTF8.self)
    }

    private static func attempts(_ text: String) throws -> [WebhookAttempt] {
        try coder.decoder.decode([WebhookAttempt].self, from: Data(text.utf8))
    }

    private static func text(_ attempts: [WebhookAttempt]) throws -> String {
        String(decoding: try coder.encoder.encode(attempts), as: UTF8.self)
    }
}

/// Where a page of deliveries continues: after (created at, message id), newest first.
struct DeliveryCursor: CustomStringConvertible {
    var createdAt: Int64
    var messageId: String

    init(createdAt: Int64, messageId: String) {
        self.createdAt = createdAt
        self.messageId = messageId
    }

    init?(_ text: String) {
        guard let decoded = Base64URL.decode(text).map({ String(decoding: $0, as: UTF8.self) }),
            let space = decoded.firstIndex(of: " "), let createdAt = Int64(decoded[..<space])
        else { return nil }
        self.createdAt = createdAt
        messageId = String(decoded[decoded.index(after: space)...])
    }

    var description: String { Base64URL.encode(Array("\(createdAt) \(messageId)".utf8)) }
}
