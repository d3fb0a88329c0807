package import Foundation

/// A block of a visitor (it used too many numbers) or of a number (a person who asked never to
/// be called), SPEC §13. A number is kept only as its keyed hash (`subject`) and country.
package struct AbuseBlock: Sendable, Equatable {
    package enum Kind: String, Sendable, Codable { case visitor, number }

    package var id: String
    package var accountId: AccountID
    package var kind: Kind
    /// The visitor id, or the base64 keyed hash of the number.
    package var subject: String
    /// For a visitor block, the visit it happened in.
    package var sessionId: String?
    package var reason: String
    package var country: String?
    package var createdAt: Date
    /// Nil: permanent.
    package var until: Date?
    package var liftedAt: Date?
    package var liftedBy: String?

    package init(
        id: String, accountId: AccountID, kind: Kind, subject: String, sessionId: String? = nil, reason: String,
        country: String? = nil, createdAt: Date, until: Date?, liftedAt: Date? = nil, liftedBy: String? = nil
    ) {
        self.id = id
        self.accountId = accountId
        self.kind = kind
        self.subject = subject
        self.sessionId = sessionId
        self.reason = reason
        self.country = country
        self.createdAt = createdAt
        self.until = until
        self.liftedAt = liftedAt
        self.liftedBy = liftedBy
    }

    package func holds(at now: Date) -> Bool { liftedAt == nil && (until.map { now < $0 } ?? true) }

    package static func newId() -> String { "blk_" + RandomToken.make(byteCount: 12) }
}

/// One account's secret for hashing phone numbers; several may exist after rotations (the newest
/// hashes new numbers, all of them are tried when looking a number up).
package struct NumberHashKey: Sendable, Equatable {
    package var id: String
    package var accountId: AccountID
    package var sealedSecret: [UInt8]
    package var createdAt: Date

    package init(id: String, accountId: AccountID, sealedSecret: [UInt8], createdAt: Date) {
        self.id = id
        self.accountId = accountId
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
    }
}

/// A dial authorization asked for, with everything the decision needs that is not in storage.
package struct DialAttempt: Sendable {
    package var accountId: AccountID
    package var visitorId: String
    package var sessionId: String
    package var contextId: String
    /// The number's hash under each of the account's keys, newest key first (stored with the first).
    package var numberHashes: [[UInt8]]
    package var country: String?
    /// The number starts with one of the account's premium or high-risk prefixes.
    package var premiumPrefix: Bool
    package var at: Date
    /// Where the account's current local day began (for the daily budget).
    package var dayStart: Date
    package var settings: AbuseSettings
    /// The id a new authorization gets.
    package var authorizationId: String

    package init(
        accountId: AccountID, visitorId: String, sessionId: String, contextId: String, numberHashes: [[UInt8]],
        country: String?, premiumPrefix: Bool, at: Date, dayStart: Date, settings: AbuseSettings, authorizationId: String
    ) {
        self.premiumPrefix = premiumPrefix
        self.accountId = accountId
        self.visitorId = visitorId
        self.sessionId = sessionId
        self.contextId = contextId
        self.numberHashes = numberHashes
        self.country = country
        self.at = at
        self.dayStart = dayStart
        self.settings = settings
        self.authorizationId = authorizationId
    }
}

/// What storage knows about an attempt, read in the transaction that records its outcome.
package struct DialFacts: Sendable, Equatable {
    /// An authorization of the same number for the same click (a form sent twice): answered again.
    package var existingAuthorizationId: String?
    package var numberBlocked = false
    /// When the number was authorized within `sameNumber.hours`, for any visitor.
    package var numberAuthorizations: [Date] = []
    package var visitorBlock: AbuseBlock?
    /// Earlier blocks of the visitor, lifted ones included (a second block is permanent).
    package var earlierVisitorBlocks = 0
    /// Numbers the visitor used (authorized or reported) within a day and after its last block
    /// or lift: the hash and when.
    package var visitorNumbers: [(hash: [UInt8], at: Date)] = []
    package var authorizationsToday = 0
    package var activeCalls = 0

    package init() {}

    package static func == (lhs: DialFacts, rhs: DialFacts) -> Bool {
        lhs.existingAuthorizationId == rhs.existingAuthorizationId && lhs.numberBlocked == rhs.numberBlocked
            && lhs.numberAuthorizations == rhs.numberAuthorizations && lhs.visitorBlock == rhs.visitorBlock
            && lhs.earlierVisitorBlocks == rhs.earlierVisitorBlocks
            && lhs.visitorNumbers.map(\.hash) == rhs.visitorNumbers.map(\.hash)
            && lhs.visitorNumbers.map(\.at) == rhs.visitorNumbers.map(\.at)
            && lhs.authorizationsToday == rhs.authorizationsToday && lhs.activeCalls == rhs.activeCalls
    }
}

/// Why a dial authorization was refused (SPEC §13), in the order they are checked.
package enum DialRefusal: String, Sendable, Codable, CaseIterable {
    case notClicked, numberBlocked, countryNotAllowed, premiumPrefix, numberVelocity, visitorBlocked, accountCallBudget,
        concurrentCalls
}

/// The decision on one attempt, and what storage records with it.
package struct DialOutcome: Sendable, Equatable {
    package var authorizationId: String?
    package var refusal: DialRefusal?
    package var retryAfterSeconds: Int?
    /// A block this attempt caused (stored in the same transaction).
    package var newBlock: AbuseBlock?
    /// The authorization already existed (nothing new stored).
    package var repeated = false

    package init(
        authorizationId: String? = nil, refusal: DialRefusal? = nil, retryAfterSeconds: Int? = nil, newBlock: AbuseBlock? = nil,
        repeated: Bool = false
    ) {
        self.authorizationId = authorizationId
        self.refusal = refusal
        self.retryAfterSeconds = retryAfterSeconds
        self.newBlock = newBlock
        self.repeated = repeated
    }

    package var allowed: Bool { authorizationId != nil }
}

/// Dial authorizations, phone numbers used and blocks (SPEC §13). Facts that must hold across
/// restarts and nodes are decided here, one attempt after another (attempts may share a
/// transaction, each seeing what the ones before it stored), serialized per account.
package protocol AbuseRepository: Sendable {
    func numberKeys(accountId: AccountID) async throws -> [NumberHashKey]
    /// Throws `.conflict` when a key with the same id exists.
    func addNumberKey(_ key: NumberHashKey) async throws
    /// Reads the attempt's facts, asks `decide`, and stores its outcome (a new authorization, a
    /// block) in the same transaction, serialized with every other attempt of the account.
    func authorize(_ attempt: DialAttempt, decide: @escaping @Sendable (DialFacts) -> DialOutcome) async throws -> DialOutcome
    /// Numbers the brand reported for a visitor (`personal` SDE contacts): they count toward the
    /// visitor's distinct numbers.
    func recordReportedNumbers(accountId: AccountID, visitorId: String, hashes: [[UInt8]], at: Date) async throws
    /// A final call status ends the authorized call (it no longer counts as concurrent).
    func callEnded(accountId: AccountID, visitorId: String, sessionId: String, contextId: String, at: Date) async throws
    func addBlock(_ block: AbuseBlock) async throws
    func block(accountId: AccountID, id: String) async throws -> AbuseBlock?
    /// Blocks that hold at `now` (or all when `activeAt` is nil), oldest first, after the block `afterId`.
    func blocks(accountId: AccountID, activeAt now: Date?, afterId: String?, limit: Int) async throws -> [AbuseBlock]
    /// Lifts a block; nil when the account has no such block. Lifting twice keeps the first lift.
    func liftBlock(accountId: AccountID, id: String, by: String, at: Date) async throws -> AbuseBlock?
    /// The visitor's block that holds at `now`, if any (for a visitor rebuilt from the journal).
    func visitorBlock(accountId: AccountID, visitorId: String, at now: Date) async throws -> AbuseBlock?
    /// Whether one of `hashes` is a blocked number at `now`.
    func numberBlocked(accountId: AccountID, hashes: [[UInt8]], at now: Date) async throws -> Bool
}
