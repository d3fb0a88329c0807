package import Foundation

/// What happened, as recorded in the journal. Later features add kinds; the raw value is stored,
/// so a kind is never renamed once released.
package struct EventKind: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    package var rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }
    package init(stringLiteral value: String) { self.rawValue = value }

    package static let pageView: EventKind = "pageView"
    package static let decision: EventKind = "decision"
    package static let impression: EventKind = "impression"
    package static let click: EventKind = "click"
    package static let attribute: EventKind = "attribute"
    package static let callStatus: EventKind = "callStatus"
    package static let validation: EventKind = "validation"
    package static let close: EventKind = "close"
}

/// One entry of the append-only event journal, the durable record every report is built from.
package struct JournalEvent: Hashable, Sendable {
    package var accountId: AccountID
    package var kind: EventKind
    package var occurredAt: Date
    package var visitorId: String?
    package var sessionId: String?
    /// The event's details as JSON text; its shape belongs to the kind.
    package var payload: String
    /// The event's place in its visitor's history (1, 2, 3, …) when a node's copy of the visitor
    /// made it (SPEC §14): storage keeps one event per place, so a copy that missed what another
    /// node wrote cannot add to the history (its event takes a place already taken). Nil for
    /// events not made from a copy.
    package var visitorSequence: Int64?

    package init(
        accountId: AccountID, kind: EventKind, occurredAt: Date, visitorId: String? = nil, sessionId: String? = nil,
        payload: String = "{}", visitorSequence: Int64? = nil
    ) {
        self.accountId = accountId
        self.kind = kind
        self.occurredAt = occurredAt
        self.visitorId = visitorId
        self.sessionId = sessionId
        self.payload = payload
        self.visitorSequence = visitorSequence
    }
}

/// One caller's events, written together or not at all.
package struct JournalAppend: Sendable, Equatable {
    package var events: [JournalEvent]

    package init(events: [JournalEvent]) { self.events = events }
}

/// A journal entry as read back, with the sequence number storage gave it. Sequence numbers
/// grow with every append, so readers (report rollups) can resume after the last one they saw.
package struct StoredEvent: Hashable, Sendable {
    package var sequence: Int64
    package var event: JournalEvent

    package init(sequence: Int64, event: JournalEvent) {
        self.sequence = sequence
        self.event = event
    }
}

/// Which events to read and how many at most.
package struct JournalQuery: Sendable, Equatable {
    package var accountId: AccountID
    /// Inclusive lower bound on `occurredAt`.
    package var from: Date
    /// Exclusive upper bound on `occurredAt`.
    package var to: Date
    /// Only events whose sequence is greater (to page through a range).
    package var afterSequence: Int64
    package var limit: Int
    /// Only events of these kinds; all kinds when empty.
    package var kinds: Set<EventKind>

    package init(
        accountId: AccountID, from: Date, to: Date, afterSequence: Int64 = 0, limit: Int = 1000, kinds: Set<EventKind> = []
    ) {
        self.kinds = kinds
        self.accountId = accountId
        self.from = from
        self.to = to
        self.afterSequence = afterSequence
        self.limit = limit
    }
}
