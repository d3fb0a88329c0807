package import Foundation

/// The account's blocks (SPEC §13): list them, lift one, block a number for good, rotate the
/// secret numbers are hashed with. Lifting and blocking are journaled (with who did it) so the
/// abuse report and the visitor's history show them; a number is never stored, only its keyed
/// hash and country.
package struct AbuseBlocks: Sendable {
    let repository: any AbuseRepository
    let hasher: NumberHasher
    let visits: BrandVisits
    let journal: GroupCommitJournal
    let clock: any WallClock

    package init(
        repository: any AbuseRepository, hasher: NumberHasher, visits: BrandVisits, journal: GroupCommitJournal, clock: any WallClock
    ) {
        self.repository = repository
        self.hasher = hasher
        self.visits = visits
        self.journal = journal
        self.clock = clock
    }

    /// Blocks in id order after `afterId`; only those that hold now unless `all`.
    package func list(accountId: AccountID, all: Bool, afterId: String?, limit: Int) async throws -> [AbuseBlock] {
        try await repository.blocks(accountId: accountId, activeAt: all ? nil : clock.now(), afterId: afterId, limit: limit)
    }

    /// Lifts block `id` (lifting a lifted block answers it unchanged); nil when there is none.
    package func lift(accountId: AccountID, id: String, by keyId: String) async throws -> AbuseBlock? {
        guard let block = try await repository.block(accountId: accountId, id: id) else { return nil }
        let now = clock.now()
        let lifted = try await repository.liftBlock(accountId: accountId, id: id, by: keyId, at: now) ?? block
        guard block.liftedAt == nil else { return lifted }
        let record = AbuseRecord(action: .blockLifted, reason: block.reason, blockId: block.id, by: keyId)
        if block.kind == .visitor, let visitor = VisitToken(block.subject), let session = block.sessionId.flatMap(VisitToken.init) {
            try await visits.recordAbuse(accountId: accountId, visitorId: visitor, sessionId: session, [record])
        } else {
            try await journalAccountEvent(record, accountId: accountId, at: now)
        }
        return lifted
    }

    /// Blocks `number` for good; `BeckonError.conflict` when it is blocked already.
    package func blockNumber(accountId: AccountID, number: PhoneNumber, reason: String, by keyId: String) async throws -> AbuseBlock {
        guard (1...64).contains(reason.count), reason.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw BeckonError.invalidInput(field: "reason", reason: "must be 1 to 64 letters or digits, such as doNotCall")
        }
        let hashes = try await hasher.hashes(of: number, accountId: accountId)
        let now = clock.now()
        if try await repository.numberBlocked(accountId: accountId, hashes: hashes, at: now) {
            throw BeckonError.conflict("this number is blocked already")
        }
        let block = AbuseBlock(
            id: AbuseBlock.newId(), accountId: accountId, kind: .number, subject: Base64.encode(hashes[0]), reason: reason,
            country: number.country, createdAt: now, until: nil)
        try await repository.addBlock(block)
        try await journalAccountEvent(
            AbuseRecord(action: .numberBlocked, reason: reason, country: number.country, blockId: block.id, by: keyId),
            accountId: accountId, at: now)
        return block
    }

    /// Adds a new number-hash secret; hashes made with older ones still match.
    package func rotateNumberKey(accountId: AccountID) async throws {
        try await hasher.rotate(accountId: accountId)
    }

    /// An abuse event about the account rather than a visitor (number blocks), for the report.
    private func journalAccountEvent(_ record: AbuseRecord, accountId: AccountID, at: Date) async throws {
        let payload = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        try await journal.enqueue([JournalEvent(accountId: accountId, kind: .abuse, occurredAt: at, payload: payload)]).durable()
    }
}
