import BeckonAPI
import BeckonCore
import Foundation

/// Webhook endpoints and their deliveries (scope admin, SPEC §12): the handlers map the
/// document's shapes to `WebhookEndpoints`, the use case.
extension APIHandler {
    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        let principal = try OperationContext.require(.admin)
        let page = try Page(cursor: input.query.cursor, limit: input.query.limit)
        let endpoints = page.window(try await webhooks.repository.endpoints(accountId: principal.accountId))
        return .ok(.init(body: .json(.init(items: endpoints.items.map { .init($0, now: clock.now()) }, nextCursor: endpoints.nextCursor))))
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        let principal = try OperationContext.require(.admin)
        guard case .json(let body) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        let (endpoint, secret) = try await webhooks.create(
            accountId: principal.accountId,
            .init(
                url: body.url, events: try body.events.map(WebhookEventType.init), description: body.description,
                includePersonalData: body.includePersonalData ?? false))
        return .created(.init(body: .json(.init(value1: .init(endpoint, now: clock.now()), value2: .init(secret: secret.description)))))
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        let principal = try OperationContext.require(.admin)
        let endpoint = try await webhooks.endpoint(accountId: principal.accountId, id: input.path.webhookId)
        return .ok(.init(body: .json(.init(endpoint, now: clock.now()))))
    }

    func updateWebhook(_ input: Operations.UpdateWebhook.Input) async throws -> Operations.UpdateWebhook.Output {
        let principal = try OperationContext.require(.admin)
        guard case .json(let body) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        // Merge Patch: `description: null` removes it, an absent member leaves it.
        let raw = try OperationContext.jsonObject()
        let description: String?? = raw.keys.contains("description") ? .some(body.description) : .none
        let updated = try await webhooks.update(
            accountId: principal.accountId, id: input.path.webhookId,
            .init(
                url: body.url, events: try body.events.map { try $0.map(WebhookEventType.init) }, description: description,
                includePersonalData: body.includePersonalData, enabled: body.enabled))
        return .ok(.init(body: .json(.init(updated, now: clock.now()))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        let principal = try OperationContext.require(.admin)
        try await webhooks.repository.delete(accountId: principal.accountId, id: input.path.webhookId)
        return .noContent(.init())
    }

    func rotateWebhookSecret(_ input: Operations.RotateWebhookSecret.Input) async throws -> Operations.RotateWebhookSecret.Output {
        let principal = try OperationContext.require(.admin)
        let (secret, until) = try await webhooks.rotateSecret(accountId: principal.accountId, id: input.path.webhookId)
        return .ok(.init(body: .json(.init(secret: secret.description, previousSecretExpiresAt: until))))
    }

    func testWebhook(_ input: Operations.TestWebhook.Input) async throws -> Operations.TestWebhook.Output {
        let principal = try OperationContext.require(.admin)
        let messageId = try await webhooks.test(accountId: principal.accountId, id: input.path.webhookId)
        return .accepted(.init(body: .json(.init(messageId: messageId))))
    }

    func listWebhookDeliveries(
        _ input: Operations.ListWebhookDeliveries.Input
    ) async throws
        -> Operations.ListWebhookDeliveries.Output
    {
        let principal = try OperationContext.require(.admin)
        let page = try await webhooks.deliveries(
            accountId: principal.accountId, id: input.path.webhookId, cursor: input.query.cursor,
            limit: try Page.size(input.query.limit))
        return .ok(.init(body: .json(.init(items: try page.deliveries.map(Components.Schemas.WebhookDelivery.init), nextCursor: page.nextCursor))))
    }

    func redeliverWebhookMessage(
        _ input: Operations.RedeliverWebhookMessage.Input
    ) async throws
        -> Operations.RedeliverWebhookMessage.Output
    {
        let principal = try OperationContext.require(.admin)
        try await webhooks.redeliver(accountId: principal.accountId, id: input.path.webhookId, messageId: input.path.messageId)
        return .accepted(.init(body: .json(.init(messageId: input.path.messageId))))
    }
}

extension WebhookEventType {
    init(_ event: Components.Schemas.WebhookEvent) throws {
        guard let type = WebhookEventType(rawValue: event.rawValue) else {
            throw BeckonError.invalidInput(field: "events", reason: "unknown event \(event.rawValue)")
        }
        self = type
    }
}

extension Components.Schemas.Webhook {
    init(_ endpoint: WebhookEndpoint, now: Date) {
        self.init(
            id: endpoint.id, url: endpoint.url,
            events: endpoint.events.map(\.rawValue).sorted().compactMap(Components.Schemas.WebhookEvent.init(rawValue:)),
            description: endpoint.description, includePersonalData: endpoint.includePersonalData, enabled: endpoint.enabled,
            disabledReason: endpoint.disabledReason.flatMap { .init(rawValue: $0.rawValue) }, failingSince: endpoint.failingSince,
            secretRotatingUntil: endpoint.previousSecretExpiresAt.flatMap { $0 > now ? $0 : nil }, createdAt: endpoint.createdAt,
            updatedAt: endpoint.updatedAt)
    }
}

extension Components.Schemas.WebhookDelivery {
    init(_ delivery: WebhookDelivery) throws {
        let last = delivery.attempts.last
        self.init(
            messageId: delivery.message.id, _type: delivery.message.type.rawValue, state: .init(rawValue: delivery.state.rawValue) ?? .pending,
            attempts: delivery.attempts.map {
                .init(at: $0.at, statusCode: $0.statusCode, latencyMs: $0.latencyMillis, error: $0.error)
            },
            lastStatusCode: last?.statusCode, lastLatencyMs: last?.latencyMillis,
            nextAttemptAt: delivery.state == .pending ? delivery.nextAttemptAt : nil, createdAt: delivery.createdAt,
            payload: try JSONDecoder().decode(PayloadPayload.self, from: Data(delivery.message.body)))
    }
}
