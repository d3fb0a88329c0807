package import CoreMetrics
import Foundation

/// What Beckon does, counted through swift-metrics (SPEC §15): the server hands in the factory
/// behind `/metrics` (Prometheus); tests hand in one they read; the default is swift-metrics'
/// global factory (a no-op until bootstrapped). Every metric is made once here, so the hot path
/// only increments.
package struct DomainMetrics: Sendable {
    /// `beckon_decisions_total{outcome}`: every targeted engagement's outcome on a page view.
    private let decisions: [DecisionOutcome: CoreMetrics.Counter]
    /// `beckon_clicks_total`: Click to Call clicks that got a signed click-through.
    private let clicks: CoreMetrics.Counter
    /// `beckon_validations_total{result}`: Validate Engagement and token verification answers.
    private let validations: [Bool: CoreMetrics.Counter]
    /// `beckon_journal_batch_events`: events per journal commit.
    private let batchSize: Recorder
    /// `beckon_journal_commit_seconds`: how long a journal commit took.
    private let commitTime: CoreMetrics.Timer
    /// `beckon_journal_stale_copies_total`: changes refused because the node's copy of the
    /// visitor missed another node's write (SPEC §14); rebuilt and retried.
    private let staleCopies: CoreMetrics.Counter
    /// `beckon_webhook_attempts_total{result}`: webhook delivery attempts, `delivered` or `failed`.
    private let webhookAttempts: [Bool: CoreMetrics.Counter]

    package init(factory: any MetricsFactory = MetricsSystem.factory) {
        var decisions: [DecisionOutcome: CoreMetrics.Counter] = [:]
        for outcome in DecisionOutcome.allCases {
            decisions[outcome] = CoreMetrics.Counter(label: "beckon_decisions_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
        }
        self.decisions = decisions
        clicks = CoreMetrics.Counter(label: "beckon_clicks_total", dimensions: [], factory: factory)
        validations = [
            true: CoreMetrics.Counter(label: "beckon_validations_total", dimensions: [("result", "valid")], factory: factory),
            false: CoreMetrics.Counter(label: "beckon_validations_total", dimensions: [("result", "invalid")], factory: factory),
        ]
        batchSize = Recorder(label: "beckon_journal_batch_events", dimensions: [], aggregate: true, factory: factory)
        commitTime = CoreMetrics.Timer(label: "beckon_journal_commit_seconds", dimensions: [], factory: factory)
        staleCopies = CoreMetrics.Counter(label: "beckon_journal_stale_copies_total", dimensions: [], factory: factory)
        webhookAttempts = [
            true: CoreMetrics.Counter(label: "beckon_webhook_attempts_total", dimensions: [("result", "delivered")], factory: factory),
            false: CoreMetrics.Counter(label: "beckon_webhook_attempts_total", dimensions: [("result", "failed")], factory: factory),
        ]
    }

    func attemptedWebhook(delivered: Bool) { webhookAttempts[delivered]?.increment() }

    func decided(_ outcomes: [DecisionRecord.Outcome]) {
        for outcome in outcomes { decisions[outcome.outcome]?.increment() }
    }

    func clicked() { clicks.increment() }

    func validated(_ valid: Bool) { validations[valid]?.increment() }

    func refusedStaleCopies(_ count: Int) { staleCopies.increment(by: count) }

    func committed(events: Int, in duration: Duration) {
        batchSize.record(events)
        commitTime.recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
}
