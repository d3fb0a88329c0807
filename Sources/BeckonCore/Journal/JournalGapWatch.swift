package import Foundation

/// Reads the journal in sequence order without skipping an event still being committed: on
/// PostgreSQL a transaction that took a sequence earlier may commit after a later one, so a
/// hole is waited for; a hole that stays longer than `patience` is a rolled-back write and is
/// passed. The rollups and the webhook deliveries tail the journal this way.
package struct JournalGapWatch: Sendable {
    package let patience: TimeInterval
    private var gap: (sequence: Int64, seenAt: Date)?

    package init(patience: TimeInterval) { self.patience = patience }

    /// `events` (read after `progress`) up to the first hole, unless the hole has stayed longer
    /// than `patience`.
    package mutating func contiguous(_ events: [StoredEvent], after progress: Int64, now: Date) -> [StoredEvent] {
        var expected = progress + 1
        for (index, event) in events.enumerated() {
            if event.sequence != expected {
                if let gap, gap.sequence == expected, now.timeIntervalSince(gap.seenAt) > patience {
                    self.gap = nil
                    expected = event.sequence + 1
                    continue
                }
                if gap?.sequence != expected { gap = (expected, now) }
                return Array(events[..<index])
            }
            expected += 1
        }
        return events
    }

    package mutating func reset() { gap = nil }
}
