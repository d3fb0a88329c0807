import Crypto
package import Foundation

/// The events an endpoint can subscribe to (SPEC §12), and the test message.
package enum WebhookEventType: String, CaseIterable, Sendable, Codable {
    case engagementClicked = "engagement.clicked"
    case callStatus = "call.status"
    case goalReached = "goal.reached"
    case visitValidated = "visit.validated"
    case visitorBlocked = "visitor.blocked"
    /// Sent by `webhooks/{id}/test`; not subscribable.
    case test = "webhook.test"

    /// What an endpoint may subscribe to.
    package static var subscribable: [WebhookEventType] { allCases.filter { $0 != .test } }
}

/// One message to the account's endpoints, made from the journal event that caused it (SPEC
/// §12): the journal is the outbox — the message is durable in the same commit as its event by
/// construction, and a delivery service reading the journal after its progress sends it. Its id
/// comes from the event's place in the journal, so every attempt and every redelivery carries
/// the same `webhook-id` and receivers deduplicate by it.
///
/// `data` carries ids, times and states only — no personal data (what the visitor typed stays
/// in Beckon unless an endpoint opts in; that part is added by the delivery, not stored here).
package struct WebhookMessage: Sendable, Equatable {
    package var id: String
    package var accountId: AccountID
    package var type: WebhookEventType
    package var occurredAt: Date
    package var data: [String: JSONValue]

    package init(id: String, accountId: AccountID, type: WebhookEventType, occurredAt: Date, data: [String: JSONValue]) {
        self.id = id
        self.accountId = accountId
        self.type = type
        self.occurredAt = occurredAt
        self.data = data
    }

    /// `msg_` and 128 bits of SHA-256 over the account and the journal sequence (and, for a
    /// message of which one event makes several, what tells them apart).
    package static func id(accountId: AccountID, sequence: Int64, part: String? = nil) -> String {
        let digest = SHA256.hash(data: Array("\(accountId.rawValue) \(sequence)\(part.map { " " + $0 } ?? "")".utf8))
        return "msg_" + Base64URL.encode(Array(digest.prefix(16)))
    }

    /// A test message (`webhooks/{id}/test`): a random id, and what it is for.
    package static func test(accountId: AccountID, endpointId: String, at: Date) -> WebhookMessage {
        WebhookMessage(
            id: "msg_" + Base64URL.encode(RandomToken.bytes(16)), accountId: accountId, type: .test, occurredAt: at,
            data: ["endpointId": .string(endpointId), "message": .string("A test message from Beckon.")])
    }

    /// A campaign's goal reached in a visit it targeted (made by the rollups, which know the
    /// goals): `converted` when its engagement was shown in the visit, credited to
    /// `engagementId`, the one shown last.
    package static func goalReached(
        accountId: AccountID, sequence: Int64, visitorId: VisitToken, sessionId: VisitToken, at: Date, campaignId: Int64,
        goal: String, total: Double?, engagementId: Int64?, converted: Bool
    ) -> WebhookMessage {
        var data: [String: JSONValue] = [
            "visitorId": .string(visitorId.description), "sessionId": .string(sessionId.description),
            "campaignId": .number(Double(campaignId)), "goal": .string(goal), "converted": .bool(converted),
            "engagementId": engagementId.map { .number(Double($0)) } ?? .null,
        ]
        if let total { data["total"] = .number(total) }
        return WebhookMessage(
            id: id(accountId: accountId, sequence: sequence, part: "goal \(campaignId)"), accountId: accountId, type: .goalReached,
            occurredAt: at, data: data)
    }

    /// The body sent: `{"type", "timestamp" (RFC 3339), "data"}`, keys sorted.
    package var body: [UInt8] {
        let document: JSONValue = .object([
            "type": .string(type.rawValue), "timestamp": .string(Self.rfc3339(occurredAt)), "data": .object(data),
        ])
        return Array((try? JSONEncoder.sortedKeys.encode(document)) ?? Data())
    }

    /// The journal kind each event type is made from (`goal.reached` comes from the rollups).
    package static func kind(of type: WebhookEventType) -> EventKind? {
        switch type {
        case .engagementClicked: .click
        case .visitValidated: .validation
        case .callStatus: .attribute
        case .visitorBlocked: .abuse
        case .goalReached, .test: nil
        }
    }

    /// The message `stored` makes, if its kind is one endpoints hear of. (`goal.reached` is made
    /// by the rollups, which know the campaigns' goals; not from a single event.)
    package static func from(_ stored: StoredEvent) -> WebhookMessage? {
        // Most of the journal is page views, decisions and impressions: left undecoded.
        switch stored.event.kind {
        case .click, .validation, .abuse: break
        case .attribute where stored.event.payload.contains("convStatus"): break
        default: return nil
        }
        guard let entry = VisitJournalEntry(stored.event) else { return nil }
        var data: [String: JSONValue] = [
            "visitorId": .string(entry.visitorId.description), "sessionId": .string(entry.sessionId.description),
        ]
        let type: WebhookEventType
        switch entry.event {
        case .click(let click):
            type = .engagementClicked
            data["contextId"] = .string(click.contextId)
            data["campaignId"] = .number(Double(click.campaignId))
            data["engagementId"] = .number(Double(click.engagementId))
            data["engagementRevision"] = .number(Double(click.revision))
            data["expiresAt"] = .string(rfc3339(Date(millisecondsSince1970: click.expiresAt)))
        case .validation(let validation):
            type = .visitValidated
            data["contextId"] = .string(validation.contextId)
            data["method"] = .string(validation.method.rawValue)
        case .attribute(let record) where record.attribute.type == "convStatus":
            type = .callStatus
            // The call's fields as the brand reported them (ids, states, durations: no personal data).
            for key in [
                "contextId", "status", "callId", "agentId", "queuePosition", "estimatedWaitSeconds", "durationSeconds", "disposition", "reason",
            ] {
                if let value = record.attribute.fields[key] { data[key] = value }
            }
        case .abuse(let record) where record.action == .visitorBlocked:
            type = .visitorBlocked
            data["blockId"] = record.blockId.map(JSONValue.string) ?? .null
            data["reason"] = record.reason.map(JSONValue.string) ?? .null
            data["until"] = record.until.map { .string(rfc3339(Date(millisecondsSince1970: $0))) } ?? .null
        default:
            return nil
        }
        return WebhookMessage(
            id: id(accountId: stored.event.accountId, sequence: stored.sequence), accountId: stored.event.accountId, type: type,
            occurredAt: stored.event.occurredAt, data: data)
    }

    /// `2026-12-04T18:26:05.123Z` (UTC, milliseconds), without a formatter per message.
    static func rfc3339(_ date: Date) -> String {
        let milliseconds = date.millisecondsSince1970
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(milliseconds % 1000)
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):"
            + "\(two(parts.tm_sec)).\(fraction)Z"
    }
}
