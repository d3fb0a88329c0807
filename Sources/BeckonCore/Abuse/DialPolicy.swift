package import Foundation

/// The checks of a dial authorization after the click itself (SPEC §13), in order: a blocked
/// number, the country, premium prefixes, the same number across visitors, the visitor's block
/// and distinct numbers, the account's daily budget and concurrent calls. Pure: storage reads
/// the facts and stores the outcome in one transaction.
package enum DialPolicy {
    /// How long a call may last at most for the concurrency count, when no final status came.
    package static let callTimeout: TimeInterval = 2 * 3600

    package static func decide(_ attempt: DialAttempt, facts: DialFacts) -> DialOutcome {
        if let existing = facts.existingAuthorizationId { return DialOutcome(authorizationId: existing, repeated: true) }
        let settings = attempt.settings
        let now = attempt.at
        func refuse(_ reason: DialRefusal, after seconds: TimeInterval? = nil, block: AbuseBlock? = nil) -> DialOutcome {
            DialOutcome(refusal: reason, retryAfterSeconds: seconds.map { max(1, Int($0.rounded(.up))) }, newBlock: block)
        }
        if facts.numberBlocked { return refuse(.numberBlocked) }
        if let allowed = settings.allowedCountries, !(attempt.country.map(allowed.contains) ?? false) {
            return refuse(.countryNotAllowed)
        }
        if attempt.premiumPrefix { return refuse(.premiumPrefix) }
        if let max = settings.sameNumber.max, facts.numberAuthorizations.count >= max {
            let times = facts.numberAuthorizations.sorted()
            let leaving = times[times.count - max]
            return refuse(.numberVelocity, after: leaving.addingTimeInterval(Double(settings.sameNumber.hours) * 3600).timeIntervalSince(now))
        }
        if let block = facts.visitorBlock, block.holds(at: now) {
            return refuse(.visitorBlocked, after: block.until?.timeIntervalSince(now))
        }
        let this = Set(attempt.numberHashes)
        func distinct(since: Date) -> Int {
            Set(facts.visitorNumbers.filter { $0.at > since && !this.contains($0.hash) }.map(\.hash)).count + 1
        }
        let limits = settings.distinctNumbers
        if (limits.perHour.map { distinct(since: now.addingTimeInterval(-3600)) >= $0 } ?? false)
            || (limits.perDay.map { distinct(since: now.addingTimeInterval(-86_400)) >= $0 } ?? false)
        {
            let until = facts.earlierVisitorBlocks > 0 ? nil : now.addingTimeInterval(Double(limits.blockHours) * 3600)
            let block = AbuseBlock(
                id: AbuseBlock.newId(), accountId: attempt.accountId, kind: .visitor, subject: attempt.visitorId,
                sessionId: attempt.sessionId, reason: "distinctNumbers", country: nil, createdAt: now, until: until)
            return refuse(.visitorBlocked, after: until?.timeIntervalSince(now), block: block)
        }
        if let budget = settings.dailyCallBudget, facts.authorizationsToday >= budget {
            return refuse(.accountCallBudget, after: attempt.dayStart.addingTimeInterval(86_400).timeIntervalSince(now))
        }
        if let limit = settings.concurrentCalls, facts.activeCalls >= limit { return refuse(.concurrentCalls, after: 60) }
        return DialOutcome(authorizationId: attempt.authorizationId)
    }
}
