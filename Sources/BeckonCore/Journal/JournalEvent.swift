public import Foundation

/// What happened, as recorded in the journal. Later features add kinds; the raw value is stored,
/// so a kind is never renamed once released.
public struct EventKind: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let pageView: EventKind = "pageView"
    public static let decision: EventKind = "decision"
    public static let impression: EventKind = "impression"
    public static let click: EventKind = "click"
    public static let attribute: EventKind = "attribute"
    public static let callStatus: EventKind = "callStatus"
    public static let validation: EventKind = "validation"
    public static let close: EventKind = "close"
}

/// One entry of the append-only event journal, the durable record every report is built from.
public struct JournalEvent: Hashable, Sendable {
    public var accountId: AccountID
    public var kind: EventKind
    public var occurredAt: Date
    public var visitorId: String?
    public var sessionId: String?
    /// The event's details as JSON text; its shape belongs to the kind.
    public var payload: String

    public init(
        accountId: AccountID, kind: EventKind, occurredAt: Date, visitorId: String? = nil, sessionId: String? = nil,
        payload: String = "{}"
    ) {
        self.accountId = accountId
        self.kind = kind
        self.occurredAt = occurredAt
        self.visitorId = visitorId
        self.sessionId = sessionId
        self.payload = payload
    }
}

/// A journal entry as read back, with the sequence number storage gave it. Sequence numbers
/// grow with every append, so readers (report rollups) can resume after the last one they saw.
public struct StoredEvent: Hashable, Sendable {
    public var sequence: Int64
    public var event: JournalEvent

    public init(sequence: Int64, event: JournalEvent) {
        self.sequence = sequence
        self.event = event
    }
}

/// Which events to read and how many at most.
public struct JournalQuery: Sendable, Equatable {
    public var accountId: AccountID
    /// Inclusive lower bound on `occurredAt`.
    public var from: Date
    /// Exclusive upper bound on `occurredAt`.
    public var to: Date
    /// Only events whose sequence is greater (to page through a range).
    public var afterSequence: Int64
    public var limit: Int
    /// Only events of these kinds; all kinds when empty.
    public var kinds: Set<EventKind>

    public init(
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
