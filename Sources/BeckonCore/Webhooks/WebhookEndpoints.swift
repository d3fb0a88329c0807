package import Foundation

/// The webhook management use cases (SPEC §12): endpoints made, changed, rotated, tested; their
/// deliveries listed and sent again. Secrets are made here, sealed with the master key bound to
/// the endpoint's id, and answered once.
package struct WebhookEndpoints: Sendable {
    package let repository: any WebhookRepository
    package let secrets: SecretBox
    package let policy: EgressPolicy
    package let clock: any WallClock

    package init(repository: any WebhookRepository, secrets: SecretBox, policy: EgressPolicy, clock: any WallClock) {
        self.repository = repository
        self.secrets = secrets
        self.policy = policy
        self.clock = clock
    }

    /// What a new endpoint is made of.
    package struct Draft: Sendable {
        package var url: String
        package var events: [WebhookEventType]
        package var description: String?
        package var includePersonalData: Bool

        package init(url: String, events: [WebhookEventType], description: String?, includePersonalData: Bool) {
            self.url = url
            self.events = events
            self.description = description
            self.includePersonalData = includePersonalData
        }
    }

    /// A change: nil leaves a field as it is; `description: .some(nil)` removes it.
    package struct Change: Sendable {
        package var url: String?
        package var events: [WebhookEventType]?
        package var description: String??
        package var includePersonalData: Bool?
        package var enabled: Bool?

        package init(
            url: String? = nil, events: [WebhookEventType]? = nil, description: String?? = nil, includePersonalData: Bool? = nil,
            enabled: Bool? = nil
        ) {
            self.url = url
            self.events = events
            self.description = description
            self.includePersonalData = includePersonalData
            self.enabled = enabled
        }
    }

    /// At most this many endpoints per account.
    package static let maximumPerAccount = 20

    /// Makes the endpoint; answers it and its secret (`whsec_…`, shown once).
    package func create(accountId: AccountID, _ draft: Draft) async throws -> (WebhookEndpoint, WebhookSecret) {
        try check(draft.url, draft.events)
        try Self.check(description: draft.description)
        guard try await repository.endpoints(accountId: accountId).count < Self.maximumPerAccount else {
            throw BeckonError.conflict("an account has at most \(Self.maximumPerAccount) webhook endpoints")
        }
        let id = WebhookEndpoint.newId()
        let secret = WebhookSecret.generate()
        let endpoint = WebhookEndpoint(
            id: id, accountId: accountId, url: draft.url, events: Set(draft.events), description: draft.description,
            includePersonalData: draft.includePersonalData, sealedSecret: secrets.seal(secret.description, boundTo: id),
            createdAt: clock.now())
        try await repository.create(endpoint)
        return (endpoint, secret)
    }

    package func endpoint(accountId: AccountID, id: String) async throws -> WebhookEndpoint {
        guard let endpoint = try await repository.endpoint(accountId: accountId, id: id) else {
            throw BeckonError.notFound("webhook \(id)")
        }
        return endpoint
    }

    package func update(accountId: AccountID, id: String, _ change: Change) async throws -> WebhookEndpoint {
        var endpoint = try await endpoint(accountId: accountId, id: id)
        if let url = change.url { endpoint.url = url }
        if let events = change.events { endpoint.events = Set(events) }
        try check(endpoint.url, Array(endpoint.events))
        if let description = change.description {
            try Self.check(description: description)
            endpoint.description = description
        }
        if let personal = change.includePersonalData { endpoint.includePersonalData = personal }
        if let enabled = change.enabled, enabled != endpoint.enabled || endpoint.disabledReason != nil {
            endpoint.enabled = enabled
            endpoint.disabledReason = nil
            // Turned on again: failures before count no more towards the five days.
            if enabled { endpoint.failingSince = nil }
        }
        endpoint.updatedAt = clock.now()
        try await repository.update(endpoint)
        return endpoint
    }

    /// A new secret; the current one keeps signing (as the previous) for 24 hours.
    package func rotateSecret(accountId: AccountID, id: String) async throws -> (WebhookSecret, Date) {
        var endpoint = try await endpoint(accountId: accountId, id: id)
        let secret = WebhookSecret.generate()
        let now = clock.now()
        endpoint.sealedPreviousSecret = endpoint.sealedSecret
        endpoint.previousSecretExpiresAt = now.addingTimeInterval(WebhookEndpoint.rotationOverlap)
        endpoint.sealedSecret = secrets.seal(secret.description, boundTo: id)
        endpoint.updatedAt = now
        try await repository.update(endpoint)
        return (secret, now.addingTimeInterval(WebhookEndpoint.rotationOverlap))
    }

    /// Queues a `webhook.test` message to the endpoint; answers its id.
    package func test(accountId: AccountID, id: String) async throws -> String {
        let endpoint = try await endpoint(accountId: accountId, id: id)
        let message = WebhookMessage.test(accountId: accountId, endpointId: endpoint.id, at: clock.now())
        try await repository.enqueue(message, endpointId: endpoint.id, at: clock.now())
        return message.id
    }

    package func deliveries(accountId: AccountID, id: String, cursor: String?, limit: Int) async throws -> WebhookDeliveryPage {
        let endpoint = try await endpoint(accountId: accountId, id: id)
        return try await repository.deliveries(
            accountId: accountId, endpointId: endpoint.id, cursor: cursor.flatMap { $0.isEmpty ? nil : $0 }, limit: limit)
    }

    package func redeliver(accountId: AccountID, id: String, messageId: String) async throws {
        let endpoint = try await endpoint(accountId: accountId, id: id)
        try await repository.redeliver(accountId: accountId, endpointId: endpoint.id, messageId: messageId, at: clock.now())
    }

    /// At most 500 characters (code points, as the document's `maxLength` counts).
    private static func check(description: String?) throws(BeckonError) {
        guard (description?.unicodeScalars.count ?? 0) <= 500 else {
            throw .invalidInput(field: "description", reason: "must be at most 500 characters")
        }
    }

    private func check(_ url: String, _ events: [WebhookEventType]) throws(BeckonError) {
        try policy.check(url: url)
        guard !events.isEmpty else { throw .invalidInput(field: "events", reason: "must name at least one event") }
        if events.contains(.test) { throw .invalidInput(field: "events", reason: "webhook.test is sent on request only") }
    }
}
