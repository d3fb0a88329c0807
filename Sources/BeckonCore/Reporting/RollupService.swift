package import Foundation
package import Logging
package import ServiceLifecycle

/// Keeps the hourly rollups up with the journal (SPEC §10): every `interval` (and whenever a
/// report asks) it reads the events after the last counted sequence, feeds them to one
/// `RollupBuilder` per account, and stores the deltas together with the new progress in one
/// transaction. Replaying is impossible by construction — an event is counted in the same
/// transaction that moves the progress past it — so a crash or a second node never double-counts.
///
/// On start (and after any failure) the builders' memory of recent visits and touches is rebuilt
/// by feeding the journal's recent past (`warmUpWindow` before the last counted event) with
/// counting off.
package actor RollupService: Service {
    private let journal: any JournalStore
    private let repository: any RollupRepository
    private let settings: RollupSettingsLoader
    private let clock: any WallClock
    private let logger: Logger
    private let interval: Duration
    private let batchSize: Int

    private var builders: [AccountID: RollupBuilder] = [:]
    /// The builders' memory of recent visits and visitors, bounded by `visits.maxVisitors`.
    private let memory: RollupMemory
    /// How far back a visitor's history is read when it is recalled (this pass's warm-up window).
    private var recallWindow: TimeInterval?
    private var settingsLoadedAt: [AccountID: Date] = [:]
    private var progress: Int64?
    /// Holes in the sequence are waited for (`gapPatience`): a later commit of an earlier sequence.
    private var gaps: JournalGapWatch
    private var running: Task<Int, any Error>?
    /// Who counts: one node at a time (SPEC §14); the others wait for its progress.
    private let runOnce: any RunOnceLock
    /// Whether this node counts now.
    private var counting = false

    package init(
        journal: any JournalStore, repository: any RollupRepository, settings: RollupSettingsLoader,
        clock: any WallClock = SystemWallClock(), logger: Logger, interval: Duration = .seconds(2), batchSize: Int = 5000,
        gapPatience: TimeInterval = 10, memory: RollupMemory = RollupMemory(), runOnce: any RunOnceLock = SingleNodeLock()
    ) {
        self.runOnce = runOnce
        self.memory = memory
        self.journal = journal
        self.repository = repository
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.interval = interval
        self.batchSize = batchSize
        self.gaps = JournalGapWatch(patience: gapPatience)
    }

    /// The name of the rollups' run-once lock.
    package static let lockName = "reports.rollups"

    /// Counts on the node that holds the rollups' lock; on the others it waits to take over.
    package func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await self.runOnce.run(holding: Self.lockName) {
                await self.setCounting(true)
                await self.countUntilStopped()
                await self.setCounting(false)
            }
        }
    }

    private func setCounting(_ value: Bool) {
        counting = value
        // What this node counted before it lost the lock may have been counted again elsewhere.
        if !value { forget() }
    }

    private func countUntilStopped() async {
        while !Task.isCancelled {
            do {
                _ = try await catchUp()
            } catch {
                logger.error("rollups could not catch up with the journal", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// Counts every journal event durable when it is called (and any after); answers how many.
    /// A pass already running may have read the journal before those events were durable, so it
    /// is waited for and a new one runs; callers arriving during that new pass share it.
    @discardableResult
    package func catchUp() async throws -> Int {
        guard runOnce.isAlone || counting else {
            try await waitForTheCountingNode()
            return 0
        }
        if let running {
            let earlier = running
            _ = try? await earlier.value
            // Another caller may have started the next pass meanwhile: it began after this call.
            if let next = self.running, next != earlier { return try await next.value }
        }
        let task = Task { try await self.pass() }
        running = task
        defer { if running == task { running = nil } }
        return try await task.value
    }

    /// Another node counts: waits until its progress reaches what the journal held when asked
    /// (bounded: a report answers from what is stored after a few rounds of the counting node).
    private func waitForTheCountingNode() async throws {
        let end = try await journal.latestSequence()
        let deadline = ContinuousClock.now + interval * 3 + .seconds(2)
        while try await repository.progress() < end, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Forgets the stored rollups and counts the whole journal again; answers the events counted.
    @discardableResult
    package func rebuild() async throws -> Int {
        if let running { _ = try? await running.value }
        try await repository.reset()
        forget()
        return try await catchUp()
    }

    private func forget() {
        builders = [:]
        memory.removeAll()
        recallWindow = nil
        settingsLoadedAt = [:]
        progress = nil
        gaps.reset()
    }

    private func pass() async throws -> Int {
        do {
            var progress = try await warmedUp()
            var counted = 0
            while true {
                let batch = gaps.contiguous(
                    try await journal.events(afterSequence: progress, limit: batchSize), after: progress, now: clock.now())
                guard let last = batch.last?.sequence else { break }
                for event in batch {
                    let account = event.event.accountId
                    try await ensureBuilder(account)
                    if let visitor = builders[account]?.visitorToRecall(event) {
                        try await recall(visitor, of: account, before: event)
                    }
                    builders[account]?.add(event)
                }
                var deltas: [AccountID: [RollupKey: FunnelMetrics]] = [:]
                var facts: [AccountID: [ReportFact]] = [:]
                var messages: [WebhookMessage] = []
                for account in Set(batch.map(\.event.accountId)) {
                    deltas[account] = builders[account]?.takeDeltas()
                    facts[account] = builders[account]?.takeFacts()
                    messages += builders[account]?.takeGoalMessages() ?? []
                }
                try await repository.apply(deltas, facts: facts, messages: messages, from: progress, through: last)
                progress = last
                self.progress = last
                counted += batch.count
                if batch.count < batchSize { break }
            }
            return counted
        } catch {
            // The builders may have seen events that were not stored: start over from storage.
            forget()
            throw error
        }
    }

    /// Feeds the visitor's earlier events (within the warm-up window, before `event`) to its
    /// builder with counting off: a visit dropped from memory past the cap, or older than the
    /// warm-up, continues as if it had never been forgotten.
    private func recall(_ visitor: VisitToken, of account: AccountID, before event: StoredEvent) async throws {
        if recallWindow == nil { recallWindow = try await settings.warmUpWindow() }
        let since = event.event.occurredAt.addingTimeInterval(-(recallWindow ?? 0))
        let history = try await journal.events(accountId: account, visitorId: visitor.description, since: since, limit: 5000)
        builders[account]?.recall(history.filter { $0.sequence < event.sequence })
    }

    /// Creates the account's builder, or refreshes its settings once a minute.
    private func ensureBuilder(_ account: AccountID) async throws {
        let now = clock.now()
        if builders[account] == nil || now.timeIntervalSince(settingsLoadedAt[account] ?? .distantPast) > 60 {
            let loaded = try await settings.settings(for: account)
            if builders[account] == nil {
                builders[account] = RollupBuilder(settings: loaded, memory: memory)
            } else {
                builders[account]?.settings = loaded
            }
            settingsLoadedAt[account] = now
        }
    }

    /// The stored progress, with the builders warmed up to it.
    private func warmedUp() async throws -> Int64 {
        if let progress { return progress }
        let stored = try await repository.progress()
        if stored > 0, let last = try await journal.events(afterSequence: stored - 1, limit: 1).first {
            let cutoff = last.event.occurredAt.addingTimeInterval(-(try await settings.warmUpWindow()))
            var after = try await firstSequence(atOrAfter: cutoff, through: stored) - 1
            var fed = 0
            while after < stored {
                let batch = try await journal.events(afterSequence: after, limit: batchSize).filter { $0.sequence <= stored }
                guard let end = batch.last?.sequence else { break }
                for event in batch {
                    let account = event.event.accountId
                    try await ensureBuilder(account)
                    builders[account]?.counting = false
                    builders[account]?.add(event)
                }
                fed += batch.count
                after = end
            }
            for account in builders.keys {
                builders[account]?.counting = true
                _ = builders[account]?.takeDeltas()
                _ = builders[account]?.takeFacts()
            }
            logger.info("rollups warmed up", metadata: ["events": "\(fed)", "progress": "\(stored)"])
        }
        progress = stored
        return stored
    }

    /// The first sequence whose event occurred at or after `instant` (binary search: the journal
    /// is in time order but for the moments of a batch).
    private func firstSequence(atOrAfter instant: Date, through last: Int64) async throws -> Int64 {
        var low: Int64 = 1
        var high = last
        while low < high {
            let middle = low + (high - low) / 2
            guard let event = try await journal.events(afterSequence: middle - 1, limit: 1).first else { return last }
            if event.event.occurredAt < instant { low = max(middle + 1, event.sequence + 1) } else { high = middle }
        }
        return low
    }
}

/// Where the rollup service gets each account's goals, window, attribution and time zone.
package struct RollupSettingsLoader: Sendable {
    private let load: @Sendable (AccountID) async throws -> RollupSettings
    private let window: @Sendable () async throws -> TimeInterval

    /// Reads the account's settings and its campaigns' goals from storage.
    package init(accounts: any AccountRepository, campaigns: any CampaignRepository) {
        load = { account in
            let accountSettings = try await accounts.settings(accountId: account) ?? AccountSettings()
            var goals: [Int64: Goal] = [:]
            var after: Int64 = 0
            while true {
                let page = try await campaigns.campaigns(accountId: account, status: nil, afterId: after, limit: 500)
                for campaign in page { goals[campaign.id] = campaign.settings.goal }
                guard let last = page.last, page.count == 500 else { break }
                after = last.id
            }
            return RollupSettings(
                goals: goals, crossSessionDays: accountSettings.crossSessionDays, attribution: accountSettings.attribution,
                timeZone: accountSettings.timeZone)
        }
        window = {
            var longest = 0
            for account in try await accounts.accounts() {
                longest = max(longest, try await accounts.settings(accountId: account.id)?.crossSessionDays ?? 7)
            }
            return TimeInterval(longest) * 86_400 + RollupBuilder.visitMemory
        }
    }

    /// The same settings for every account (tests, benchmarks).
    package init(fixed settings: RollupSettings) {
        load = { _ in settings }
        window = { TimeInterval(settings.crossSessionDays) * 86_400 + RollupBuilder.visitMemory }
    }

    package func settings(for account: AccountID) async throws -> RollupSettings { try await load(account) }

    /// How far back the warm-up reads: the longest cross-session window of any account, plus
    /// the time a visit's state is kept.
    package func warmUpWindow() async throws -> TimeInterval { try await window() }
}
