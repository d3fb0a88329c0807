import BeckonCore
import Foundation
import Testing

extension StorageContract {
    static func endpoint(_ account: AccountID, _ id: String, events: Set<WebhookEventType>, at: Date = t0) -> WebhookEndpoint {
        WebhookEndpoint(
            id: id, accountId: account, url: "https://hooks.example/\(id)", events: events, description: nil,
            includePersonalData: false, sealedSecret: Array("sealed \(id)".utf8), createdAt: at)
    }

    static func message(
        _ account: AccountID, _ sequence: Int64, _ type: WebhookEventType, at: Date = t0.addingTimeInterval(60)
    )
        -> WebhookMessage
    {
        WebhookMessage(
            id: WebhookMessage.id(accountId: account, sequence: sequence), accountId: account, type: type, occurredAt: at,
            data: ["visitorId": .string("v\(sequence)")])
    }

    static let webhookChecks: [StorageContractCheck] = [
        check("storesWebhookEndpointsPerAccount") { storage in
            try await twoAccounts(storage)
            var first = endpoint(acme, "ep_1", events: [.callStatus, .goalReached])
            try await storage.webhooks.create(first)
            try await storage.webhooks.create(endpoint(globex, "ep_2", events: [.callStatus]))
            #expect(try await storage.webhooks.endpoint(accountId: acme, id: "ep_1") == first)
            #expect(try await storage.webhooks.endpoint(accountId: globex, id: "ep_1") == nil)
            #expect(try await storage.webhooks.endpoints(accountId: acme).map(\.id) == ["ep_1"])
            first.events = [.visitorBlocked]
            first.description = "ops"
            first.sealedPreviousSecret = [1, 2, 3]
            first.previousSecretExpiresAt = t0.addingTimeInterval(86_400)
            try await storage.webhooks.update(first)
            #expect(try await storage.webhooks.endpoint(accountId: acme, id: "ep_1") == first)
            var foreign = first
            foreign.accountId = globex
            await #expect(throws: BeckonError.notFound("webhook ep_1")) { try await storage.webhooks.update(foreign) }
            await #expect(throws: BeckonError.notFound("webhook ep_1")) { try await storage.webhooks.delete(accountId: globex, id: "ep_1") }
            await #expect(throws: BeckonError.unknownAccount("nobody")) {
                try await storage.webhooks.create(endpoint(AccountID(trusted: "nobody"), "ep_3", events: [.callStatus]))
            }
        },
        check("fansMessagesOutToSubscribedEndpointsOnceAndMovesTheProgressWithThem") { storage in
            try await twoAccounts(storage)
            try await storage.webhooks.create(endpoint(acme, "ep_calls", events: [.callStatus]))
            try await storage.webhooks.create(endpoint(acme, "ep_all", events: Set(WebhookEventType.subscribable)))
            try await storage.webhooks.create(endpoint(globex, "ep_globex", events: Set(WebhookEventType.subscribable)))
            // Made after the events occurred: hears nothing of them.
            try await storage.webhooks.create(endpoint(acme, "ep_late", events: [.callStatus], at: t0.addingTimeInterval(3600)))
            let start = try await storage.webhooks.journalProgress()
            let messages = [message(acme, 1, .callStatus), message(acme, 2, .visitValidated)]
            try await storage.webhooks.fanOut(messages, from: start, through: start + 2, at: t0.addingTimeInterval(61))
            #expect(try await storage.webhooks.journalProgress() == start + 2)
            // The same progress again (another node): refused whole.
            await #expect(throws: BeckonError.self) {
                try await storage.webhooks.fanOut(messages, from: start, through: start + 2, at: t0)
            }
            #expect(try await storage.webhooks.pendingCount() == 3)
            let due = try await storage.webhooks.dueDeliveries(now: t0.addingTimeInterval(61), limit: 10, perEndpoint: 10)
            #expect(
                Set(due.map { "\($0.endpointId) \($0.message.type.rawValue)" })
                    == ["ep_calls call.status", "ep_all call.status", "ep_all visit.validated"])
            #expect(due.first?.message.data["visitorId"] != nil && due.allSatisfy { $0.attempts.isEmpty })
            #expect(try await storage.webhooks.dueDeliveries(now: t0, limit: 10, perEndpoint: 10).isEmpty, "not due before it was queued")
            #expect(try await storage.webhooks.deliveries(accountId: globex, endpointId: "ep_all", cursor: nil, limit: 10).deliveries.isEmpty)
            // At most `perEndpoint` of one endpoint: a receiver that is down cannot take every slot.
            let capped = try await storage.webhooks.dueDeliveries(now: t0.addingTimeInterval(61), limit: 10, perEndpoint: 1)
            #expect(capped.map(\.endpointId).sorted() == ["ep_all", "ep_calls"])
        },
        check("skipsTheJournalWhenNoEndpointIsOn") { storage in
            try await twoAccounts(storage)
            #expect(try await storage.webhooks.subscriptions().isEmpty)
            let start = try await storage.webhooks.journalProgress()
            try await storage.webhooks.skipJournal(from: start, through: start + 40)
            #expect(try await storage.webhooks.journalProgress() == start + 40)
            await #expect(throws: BeckonError.self) { try await storage.webhooks.skipJournal(from: start, through: start + 50) }
            try await storage.webhooks.create(endpoint(globex, "ep_1", events: [.callStatus]))
            try await storage.webhooks.create(endpoint(globex, "ep_2", events: [.goalReached]))
            var off = endpoint(acme, "ep_3", events: [.visitorBlocked])
            off.enabled = false
            try await storage.webhooks.create(off)
            #expect(try await storage.webhooks.subscriptions() == [globex: [.callStatus, .goalReached]])
        },
        check("recordsAttemptsAndTurnsEndpointsOffWhenGoneOrFailingFiveDays") { storage in
            try await twoAccounts(storage)
            try await storage.webhooks.create(endpoint(acme, "ep_1", events: [.callStatus]))
            try await storage.webhooks.create(endpoint(acme, "ep_2", events: [.callStatus]))
            let start = try await storage.webhooks.journalProgress()
            try await storage.webhooks.fanOut([message(acme, 1, .callStatus)], from: start, through: start + 1, at: t0.addingTimeInterval(60))
            let id = message(acme, 1, .callStatus).id
            let failed = WebhookAttempt(at: t0.addingTimeInterval(60), statusCode: 500, latencyMillis: 12, error: nil)
            try await storage.webhooks.record(
                failed, endpointId: "ep_1", messageId: id, state: .pending, nextAttemptAt: t0.addingTimeInterval(65),
                endpoint: .failed(now: t0.addingTimeInterval(60)))
            var delivery = try #require(try await storage.webhooks.delivery(accountId: acme, endpointId: "ep_1", messageId: id))
            #expect(delivery.attempts == [failed] && delivery.scheduledAttempts == 1 && delivery.state == .pending)
            #expect(try await storage.webhooks.endpoint(accountId: acme, id: "ep_1")?.failingSince == t0.addingTimeInterval(60))
            // Five days of failures later: off.
            let late = t0.addingTimeInterval(60 + 5 * 86_400)
            try await storage.webhooks.record(
                WebhookAttempt(at: late, statusCode: nil, latencyMillis: 15_000, error: "timed out"), after: [failed], endpointId: "ep_1",
                messageId: id, state: .pending, nextAttemptAt: late, endpoint: .failed(now: late))
            let off = try #require(try await storage.webhooks.endpoint(accountId: acme, id: "ep_1"))
            #expect(!off.enabled && off.disabledReason == .failing)
            #expect(
                try await storage.webhooks.dueDeliveries(now: late, limit: 10, perEndpoint: 10).map(\.endpointId) == ["ep_2"],
                "an endpoint off is not sent to")
            // 410 turns the other off; a success clears failing.
            try await storage.webhooks.record(
                WebhookAttempt(at: late, statusCode: 410, latencyMillis: 3, error: nil), endpointId: "ep_2", messageId: id, state: .failed,
                nextAttemptAt: nil, endpoint: .gone)
            #expect(try await storage.webhooks.endpoint(accountId: acme, id: "ep_2")?.disabledReason == .gone)
            // One pass's outcomes together: a success among failures makes the endpoint healthy.
            try await storage.webhooks.create(endpoint(acme, "ep_3", events: [.callStatus]))
            try await storage.webhooks.enqueue(message(acme, 7, .callStatus), endpointId: "ep_3", at: late)
            try await storage.webhooks.enqueue(message(acme, 8, .callStatus), endpointId: "ep_3", at: late)
            let attempt = WebhookAttempt(at: late, statusCode: 500, latencyMillis: 5, error: nil)
            try await storage.webhooks.record([
                .init(
                    endpointId: "ep_3", messageId: message(acme, 7, .callStatus).id, attempts: [attempt], state: .pending,
                    nextAttemptAt: late, endpoint: .failed(now: late)),
                .init(
                    endpointId: "ep_3", messageId: message(acme, 8, .callStatus).id, attempts: [attempt], state: .delivered,
                    nextAttemptAt: nil, endpoint: .succeeded),
            ])
            #expect(try await storage.webhooks.endpoint(accountId: acme, id: "ep_3")?.failingSince == nil)
            #expect(try await storage.webhooks.pendingCount() == 2)
            // Redelivered: pending again with a fresh schedule; the attempts stay listed.
            try await storage.webhooks.redeliver(accountId: acme, endpointId: "ep_1", messageId: id, at: late)
            delivery = try #require(try await storage.webhooks.delivery(accountId: acme, endpointId: "ep_1", messageId: id))
            #expect(delivery.state == .pending && delivery.scheduledAttempts == 0 && delivery.attempts.count == 2)
            await #expect(throws: BeckonError.notFound("delivery \(id)")) {
                try await storage.webhooks.redeliver(accountId: globex, endpointId: "ep_1", messageId: id, at: late)
            }
            try await storage.webhooks.delete(accountId: acme, id: "ep_1")
            #expect(try await storage.webhooks.delivery(accountId: acme, endpointId: "ep_1", messageId: id) == nil)
            // Erasing the visitor erases what is left about it: only that account's.
            #expect(try await storage.webhooks.deleteVisitor(accountId: globex, visitorId: "v1") == 0)
            #expect(try await storage.webhooks.deleteVisitor(accountId: acme, visitorId: "v1") == 1)
            #expect(try await storage.webhooks.delivery(accountId: acme, endpointId: "ep_2", messageId: id) == nil)
        },
        check("theRollupsQueueGoalMessagesInTheirOwnTransaction") { storage in
            try await twoAccounts(storage)
            try await storage.webhooks.create(endpoint(acme, "ep_goals", events: [.goalReached]))
            try await storage.rollups.apply([:], facts: [:], messages: [message(acme, 5, .goalReached)], from: 0, through: 5)
            #expect(try await storage.webhooks.pendingCount() == 1)
            // Due from when the goal was reached (the rollups run a little behind the events).
            let goal = message(acme, 5, .goalReached)
            #expect(try await storage.webhooks.dueDeliveries(now: goal.occurredAt, limit: 10, perEndpoint: 10).map(\.message.id) == [goal.id])
            // A conflicting pass stores nothing, messages included.
            await #expect(throws: BeckonError.self) {
                try await storage.rollups.apply([:], facts: [:], messages: [message(acme, 6, .goalReached)], from: 0, through: 6)
            }
            #expect(try await storage.webhooks.pendingCount() == 1)
        },
    ]
}
