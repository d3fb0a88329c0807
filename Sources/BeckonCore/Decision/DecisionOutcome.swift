/// Why a targeted engagement was or was not shown on a page view (SPEC §8). Reports count
/// prospects and "not shown, by reason" from these; the raw values are stored in the journal and
/// never renamed.
package enum DecisionOutcome: String, Codable, Sendable, CaseIterable {
    case shown
    case controlGroup
    case capped
    case outsideHours
    case declinedBefore
    case abuseBlocked
    case lostPriority
    case behaviourPending
}
