/// The status of a Click to Call request, as the brand reports it in `convStatus` (SPEC §6).
/// Statuses move forward only: a late `RINGING` after `CONNECTED` is recorded but does not
/// change the current status. `CONNECTED` and `ON_HOLD` may alternate; the endings are final.
package enum CallStatus: String, Codable, Sendable, CaseIterable {
    case requested = "REQUESTED"
    case queued = "QUEUED"
    case ringing = "RINGING"
    case connected = "CONNECTED"
    case onHold = "ON_HOLD"
    case completed = "COMPLETED"
    case noAnswer = "NO_ANSWER"
    case busy = "BUSY"
    case failed = "FAILED"
    case cancelled = "CANCELLED"

    var stage: Int {
        switch self {
        case .requested: 0
        case .queued: 1
        case .ringing: 2
        case .connected, .onHold: 3
        case .completed, .noAnswer, .busy, .failed, .cancelled: 4
        }
    }

    package var isFinal: Bool { stage == 4 }

    /// Whether `self` may replace `current`.
    package func follows(_ current: CallStatus) -> Bool {
        guard !current.isFinal else { return false }
        return stage > current.stage || (stage == 3 && current.stage == 3 && self != current)
    }
}
