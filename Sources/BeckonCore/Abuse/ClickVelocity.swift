/// Click velocity per visitor (SPEC §13): at most N Click to Call clicks in each window, counted
/// across the visitor's visits from `VisitorState.clickTimes`.
package enum ClickVelocity {
    /// How long until the visitor may click again (ms), or nil when a click now is within every
    /// limit. Past a limit the click gets no click-through and Click to Call is not shown.
    package static func wait(_ visitor: VisitorState, limits: AbuseSettings.Clicks, now: Int64) -> Int64? {
        var wait: Int64?
        for (max, windowMs) in limits.windows {
            let recent = visitor.clicks(withinMs: windowMs, of: now)
            guard recent.count >= max else { continue }
            // The click that must leave the window before one more fits in it.
            let leaving = recent[recent.startIndex + (recent.count - max)]
            let until = leaving + windowMs - now
            wait = Swift.max(wait ?? 0, until)
        }
        return wait
    }

    /// Why a visitor gets no Click to Call now, if it does not: a block, or too many clicks.
    package static func refusal(
        _ visitor: VisitorState, limits: AbuseSettings.Clicks, now: Int64
    ) -> (
        reason: String, retryAfterMs: Int64?
    )? {
        if let block = visitor.block, block.holds(at: now) {
            return ("visitorBlocked", block.until.map { $0 - now })
        }
        if let wait = wait(visitor, limits: limits, now: now) { return ("rateLimited", wait) }
        return nil
    }
}
