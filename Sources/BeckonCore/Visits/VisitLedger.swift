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
    /// Where a rebuilt visitor is claimed, and other nodes' claims are heard (SPEC §14).
    let claims: VisitorClaims
    private let subscriptions: [Subscription]

    package init(
        store: LiveVisitStore, catalog: CampaignCatalog, journal: GroupCommitJournal, clock: any WallClock,
        settings: Settings = .init(), abuse: (any AbuseRepository)? = nil, claims: VisitorClaims = VisitorClaims(),
        changes: ChangeFeed? = nil
    ) {
        self.store = store
        self.catalog = catalog
        self.journal = journal
        self.clock = clock
        self.settings = settings
        self.abuse = abuse
        self.claims = claims
        // Another node serves the visitor now: this copy would go stale. And after a lost
        // connection to the other nodes, any copy may have: each is rebuilt when it comes back.
        var subscriptions = [claims.heard.subscribe { [store] key in store.withVisitor(key) { $0 = nil } }]
        if let changes {
            subscriptions.append(changes.subscribe { [store] change in if change == .everything { store.removeAll() } })
        }
        self.subscriptions = subscriptions
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
    ///
    /// Several nodes (SPEC §14): the events take the next places in the visitor's history, and
    /// storage refuses them when another node wrote there first — this copy missed it. The copy
    /// is then dropped and rebuilt from the journal and `change` runs again on what is really
    /// there (`change` must be free of side effects). With `confirmingRefusals`, an answer that
    /// changes nothing or throws (a click "not offered", a visit "unknown") is first checked
    /// against the journal: when the copy is behind it, it is rebuilt and asked again.
    func mutateVisit<T: Sendable>(
        _ key: LiveVisitStore.Key, at moment: Moment, rebuild: Bool = true, confirmingRefusals: Bool = false,
        _ change: (inout VisitorState?) throws -> (T, [VisitJournalEntry])
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let retries = attempt < Self.attempts
            // A retry's copy was dropped: it is rebuilt, even for a visitor the request made.
            if rebuild || attempt > 1 { try await rebuildIfAbsent(key, historyDays: moment.index.historyDays, now: moment.now) }
            let outcome: (value: T, receipt: JournalReceipt?, lineage: UInt64?, position: Int64?)
            do {
                outcome = try store.withVisitor(key) { state in try Self.apply(change, to: &state, journal: journal) }
            } catch  where confirmingRefusals && retries {
                if try await copyIsBehind(key) { continue }
                throw error
            }
            guard let receipt = outcome.receipt else {
                if confirmingRefusals && retries, try await copyIsBehind(key, holding: outcome.position) { continue }
                return outcome.value
            }
            do {
                try await receipt.durable()
                return outcome.value
            } catch JournalRefusal.staleCopy where retries {
                drop(key, lineage: outcome.lineage)
            } catch JournalRefusal.staleCopy {
                drop(key, lineage: outcome.lineage)
                throw BeckonError.storageUnavailable("the visitor changed on another node meanwhile; try again")
            }
        }
    }

    /// Tries of one change when the journal refuses it (each after the visitor is rebuilt).
    static let attempts = 3

    /// Runs `change` on the visitor and queues its events at the next places of its history.
    private static func apply<T>(
        _ change: (inout VisitorState?) throws -> (T, [VisitJournalEntry]), to state: inout VisitorState?,
        journal: GroupCommitJournal
    ) throws -> (value: T, receipt: JournalReceipt?, lineage: UInt64?, position: Int64?) {
        let (value, entries) = try change(&state)
        guard !entries.isEmpty else { return (value, nil, state?.lineage, state?.journalPosition) }
        var events = entries.map(\.journalEvent)
        guard state != nil else { return (value, journal.enqueue(events), nil, nil) }
        for index in events.indices {
            state!.journalPosition += 1
            events[index].visitorSequence = state!.journalPosition
        }
        return (value, journal.enqueue(events, lineage: state!.lineage), state!.lineage, state!.journalPosition)
    }

    /// Drops the copy `lineage` of the visitor (unless another replaced it already); the journal
    /// stops refusing it, since nothing more can be made from it.
    private func drop(_ key: LiveVisitStore.Key, lineage: UInt64?) {
        guard let lineage else { return }
        store.withVisitor(key) { state in if state?.lineage == lineage { state = nil } }
        journal.unfence(lineage)
    }

    /// Whether the journal holds more of the visitor than this node's copy (`holding`, or the
    /// copy in memory): the copy is dropped then.
    private func copyIsBehind(_ key: LiveVisitStore.Key, holding: Int64? = nil) async throws -> Bool {
        let held = holding ?? store.withVisitor(key) { $0?.journalPosition } ?? 0
        let stored = try await journal.latestVisitorSequence(accountId: key.accountId, visitorId: key.visitorId.description)
        guard stored > held else { return false }
        _ = forget(key)
        return true
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
        // Where the visitor's history ends: after its newest event, which a read of its recent
        // past holds unless that past is empty (or older than visitor sequences).
        var position = stored.lazy.compactMap(\.event.visitorSequence).max()
        if position == nil {
            position = try await journal.latestVisitorSequence(accountId: key.accountId, visitorId: key.visitorId.description)
        }
        guard !stored.isEmpty || block != nil || (position ?? 0) > 0 else { return }
        var state = VisitorState()
        state.journalPosition = position ?? 0
        for event in stored {
            if let entry = VisitJournalEntry(event.event) { state.apply(entry) }
        }
        if let block {
            state.block = VisitorState.Block(id: block.id, until: block.until?.millisecondsSince1970)
        }
        _ = state.expire(now: now.millisecondsSince1970, liveWindowMs: settings.liveWindow.milliseconds)
        store.insertIfAbsent(key, state)
        // A visitor with a history was served elsewhere before (or by this node before a restart):
        // the node that served it drops its copy.
        claims.made.publish(key)
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
