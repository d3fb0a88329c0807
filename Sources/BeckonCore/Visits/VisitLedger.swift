package import Foundation

/// The visitors in memory and their journal: the one path every use case that changes a visit
/// takes (SPEC §4, §14). `mutateVisit` is its seven steps, written once — the account's campaign
/// index, the visitor rebuilt from the journal when it is not in memory (restart, eviction,
/// another node), the visitor's lock, the change built under it, the change applied and queued
/// to the journal under the same lock (so the journal keeps a visitor's order), and the answer
/// given only once the journal says the change is durable. Parsing the ids is the use case's:
/// each API answers a malformed id its own way.
package final class VisitLedger: Sendable {
    package struct Settings: Sendable {
        /// A visit ends after this long without activity (SPEC §2).
        package var visitTimeout: Duration
        /// A visit's live data stays this long after its last activity (SPEC §7).
        package var liveWindow: Duration
        /// The most journal events read to rebuild one visitor.
        package var rebuildEventLimit: Int
        /// Open call-status streams allowed per click token and per node.
        package var streamLimits: CallStatusHub.Limits

        package init(
            visitTimeout: Duration = .seconds(30 * 60), liveWindow: Duration = .seconds(6 * 3600), rebuildEventLimit: Int = 5000,
            streamLimits: CallStatusHub.Limits = .init()
        ) {
            self.visitTimeout = visitTimeout
            self.liveWindow = liveWindow
            self.rebuildEventLimit = rebuildEventLimit
            self.streamLimits = streamLimits
        }
    }

    /// What a change is built from: the moment it happens and the account's campaigns and
    /// settings at that moment.
    package struct Moment: Sendable {
        package var now: Date
        package var index: CampaignIndex
        var nowMs: Int64 { now.millisecondsSince1970 }
    }

    let store: LiveVisitStore
    let catalog: CampaignCatalog
    let journal: GroupCommitJournal
    let clock: any WallClock
    package let settings: Settings
    /// Visitor blocks older than the journal a rebuild reads (a permanent block) come from here.
    let abuse: (any AbuseRepository)?

    package init(
        store: LiveVisitStore, catalog: CampaignCatalog, journal: GroupCommitJournal, clock: any WallClock,
        settings: Settings = .init(), abuse: (any AbuseRepository)? = nil
    ) {
        self.store = store
        self.catalog = catalog
        self.journal = journal
        self.clock = clock
        self.settings = settings
        self.abuse = abuse
    }

    /// The moment of a change that is about to be made for `accountId`.
    func moment(_ accountId: AccountID) async throws -> Moment {
        let now = clock.now()
        return Moment(now: now, index: try await catalog.index(for: accountId))
    }

    /// Changes one visitor: `change` runs under the visitor's lock with the visitor (nil when
    /// unknown; set it to what it becomes) and answers a value and the events it made, already
    /// applied to the visitor it set (`VisitChange` does both). The events are journaled in
    /// order and the value answered once they are durable; a throw changes nothing.
    func mutateVisit<T: Sendable>(
        _ key: LiveVisitStore.Key, at moment: Moment, rebuild: Bool = true,
        _ change: (inout VisitorState?) throws -> (T, [VisitJournalEntry])
    ) async throws -> T {
        if rebuild { try await rebuildIfAbsent(key, historyDays: moment.index.historyDays, now: moment.now) }
        let (value, receipt) = try store.withVisitor(key) { state -> (T, JournalReceipt?) in
            let (value, entries) = try change(&state)
            return (value, entries.isEmpty ? nil : journal.enqueue(entries.map(\.journalEvent)))
        }
        try await receipt?.durable()
        return value
    }

    /// Reads one visitor (rebuilt from the journal first when it is not in memory).
    func readVisit<T: Sendable>(_ key: LiveVisitStore.Key, at moment: Moment, _ read: (VisitorState?) throws -> T) async throws -> T {
        try await rebuildIfAbsent(key, historyDays: moment.index.historyDays, now: moment.now)
        return try store.withVisitor(key) { state in try read(state) }
    }

    /// Drops the visitor from memory; answers whether it was there.
    func forget(_ key: LiveVisitStore.Key) -> Bool {
        store.withVisitor(key) { state -> Bool in
            defer { state = nil }
            return state != nil
        }
    }

    /// Replays the visitor's recent journal into memory unless it is already held.
    func rebuildIfAbsent(_ key: LiveVisitStore.Key, historyDays: Int, now: Date) async throws {
        guard !store.contains(key) else { return }
        let window = max(settings.liveWindow.milliseconds, Int64(historyDays) * 86_400_000)
        let stored = try await journal.events(
            accountId: key.accountId, visitorId: key.visitorId.description,
            since: Date(millisecondsSince1970: now.millisecondsSince1970 - window), limit: settings.rebuildEventLimit)
        let block = try await abuse?.visitorBlock(accountId: key.accountId, visitorId: key.visitorId.description, at: now)
        guard !stored.isEmpty || block != nil else { return }
        var state = VisitorState()
        for event in stored {
            if let entry = VisitJournalEntry(event.event) { state.apply(entry) }
        }
        if let block {
            state.block = VisitorState.Block(id: block.id, until: block.until?.millisecondsSince1970)
        }
        _ = state.expire(now: now.millisecondsSince1970, liveWindowMs: settings.liveWindow.milliseconds)
        store.insertIfAbsent(key, state)
    }
}

/// The events one request makes for one visit: each is applied to the visitor as it is made
/// (so later steps, like the decision, see it) and kept for the journal.
struct VisitChange {
    let accountId: AccountID
    let visitorId: VisitToken
    let sessionId: VisitToken
    let at: Date
    var visitor: VisitorState
    var entries: [VisitJournalEntry] = []

    /// A change to the visitor held in `state`, which it takes (moved out, not copied: the
    /// change then mutates the only reference, with no copy-on-write).
    init(_ key: LiveVisitStore.Key, sessionId: VisitToken, at: Date, taking state: inout VisitorState?) {
        self.accountId = key.accountId
        self.visitorId = key.visitorId
        self.sessionId = sessionId
        self.at = at
        self.visitor = state.take() ?? VisitorState()
    }

    mutating func add(_ event: VisitEvent) {
        let entry = VisitJournalEntry(accountId: accountId, visitorId: visitorId, sessionId: sessionId, occurredAt: at, event: event)
        visitor.apply(entry)
        entries.append(entry)
    }

    /// Puts the changed visitor back into `state` and answers the events for the journal.
    func commit(into state: inout VisitorState?) -> [VisitJournalEntry] {
        state = visitor
        return entries
    }
}
