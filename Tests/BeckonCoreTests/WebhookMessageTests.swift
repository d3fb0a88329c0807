import BeckonCore
import Foundation
import Testing

/// The messages journal events make for webhooks (SPEC §12): which events, what they carry (no
/// personal data), and an id that is the same however often the message is sent.
@Suite struct WebhookMessageTests {
    static let acme = AccountID(trusted: "acme")
    static let visitor = VisitToken.random()
    static let session = VisitToken.random()
    static let at = Date(millisecondsSince1970: 1_790_000_000_123)

    static func stored(_ event: VisitEvent, sequence: Int64 = 41) -> StoredEvent {
        let entry = VisitJournalEntry(accountId: acme, visitorId: visitor, sessionId: session, occurredAt: at, event: event)
        return StoredEvent(sequence: sequence, event: entry.journalEvent)
    }

    static func object(_ body: [UInt8]) throws -> [String: JSONValue] {
        guard case .object(let fields) = try JSONDecoder().decode(JSONValue.self, from: Data(body)) else { return [:] }
        return fields
    }

    @Test func aClickIsEngagementClickedWithItsIdsAndTheBodyIsStandard() throws {
        let click = ClickRecord(
            contextId: "2", campaignId: 7, engagementId: 9, revision: 3, expiresAt: 1_790_000_600_000, maxValidations: 1, keyId: "k1")
        let message = try #require(WebhookMessage.from(Self.stored(.click(click))))
        #expect(message.type == .engagementClicked)
        #expect(message.id == WebhookMessage.id(accountId: Self.acme, sequence: 41) && message.id.hasPrefix("msg_"))
        let body = try Self.object(message.body)
        #expect(body["type"] == .string("engagement.clicked"))
        #expect(body["timestamp"] == .string("2026-09-21T14:13:20.123Z"))
        #expect(
            body["data"]
                == .object([
                    "visitorId": .string(Self.visitor.description), "sessionId": .string(Self.session.description),
                    "contextId": .string("2"), "campaignId": .number(7), "engagementId": .number(9), "engagementRevision": .number(3),
                    "expiresAt": .string("2026-09-21T14:23:20.000Z"),
                ]))
    }

    @Test func validationsCallStatusesAndBlocksMakeTheirTypesAndOtherEventsNone() throws {
        let validated = try #require(WebhookMessage.from(Self.stored(.validation(ValidationRecord(contextId: "2", method: .verifyToken)))))
        #expect(validated.type == .visitValidated && validated.data["method"] == .string("verifyToken"))

        let status = EngagementAttribute(stored: [
            "type": .string("convStatus"), "contextId": .string("2"), "status": .string("CONNECTED"), "agentId": .string("agent-7"),
            "durationSeconds": .number(31), "note": .string("Ana Diaz, +1 212 555 0100"),
        ])
        let call = try #require(WebhookMessage.from(Self.stored(.attribute(AttributeRecord(pageId: nil, source: .brand, attribute: status)))))
        #expect(call.type == .callStatus && call.data["status"] == .string("CONNECTED") && call.data["agentId"] == .string("agent-7"))
        #expect(call.data["note"] == nil, "only the call's documented fields; nothing the brand added")

        let blocked = try #require(
            WebhookMessage.from(Self.stored(.abuse(AbuseRecord(action: .visitorBlocked, reason: "numberVelocity", blockId: "blk_1")))))
        #expect(blocked.type == .visitorBlocked && blocked.data["blockId"] == .string("blk_1") && blocked.data["until"] == .null)

        let personal = EngagementAttribute(stored: ["type": .string("personal"), "personal": .object(["firstname": .string("Ana")])])
        #expect(WebhookMessage.from(Self.stored(.attribute(AttributeRecord(pageId: "1", source: .page, attribute: personal)))) == nil)
        #expect(WebhookMessage.from(Self.stored(.abuse(AbuseRecord(action: .dialAuthorized)))) == nil)
        #expect(WebhookMessage.from(Self.stored(.close(CloseRecord()))) == nil)
    }

    @Test func theIdIsStablePerEventAndDiffersBetweenEventsAndAccounts() {
        #expect(WebhookMessage.id(accountId: Self.acme, sequence: 1) == WebhookMessage.id(accountId: Self.acme, sequence: 1))
        #expect(WebhookMessage.id(accountId: Self.acme, sequence: 1) != WebhookMessage.id(accountId: Self.acme, sequence: 2))
        #expect(WebhookMessage.id(accountId: Self.acme, sequence: 1) != WebhookMessage.id(accountId: AccountID(trusted: "globex"), sequence: 1))
        #expect(WebhookEventType.subscribable.count == 5 && !WebhookEventType.subscribable.contains(.test))
    }
}
