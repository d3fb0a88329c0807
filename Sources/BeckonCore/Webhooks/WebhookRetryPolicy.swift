package import Foundation

/// What an attempt's answer means for the message and the endpoint (SPEC §12): 2xx delivers,
/// 410 turns the endpoint off, anything else (3xx included) is a failure retried on the
/// schedule — immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, each with up to
/// 10 % jitter, then it is given up — except that 429 and 503 wait what their `Retry-After` says.
package struct WebhookRetryPolicy: Sendable {
    /// The wait before each retry: the first comes at once, the tenth a day after the ninth.
    package static let schedule: [TimeInterval] = [0, 5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400]
    /// Attempts in all before a message is given up: the first and ten retries.
    package static var maximumAttempts: Int { schedule.count + 1 }
    /// An endpoint failing everything this long is turned off.
    package static let disableAfter: TimeInterval = 5 * 86_400
    /// The longest `Retry-After` honoured.
    package static let longestRetryAfter: TimeInterval = 86_400

    /// A number in 0..<1 for the jitter (injectable: tests pass a fixed one).
    package var random: @Sendable () -> Double

    package init(random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) { self.random = random }

    /// What to do after attempt number `attempt` (1-based) got `outcome` at `now`.
    package func decide(after outcome: WebhookSendOutcome, attempt: Int, now: Date) -> WebhookDecision {
        guard let status = outcome.statusCode else { return retry(attempt: attempt, now: now, retryAfter: nil) }
        switch status {
        case 200..<300: return .delivered
        case 410: return .gone
        case 429, 503: return retry(attempt: attempt, now: now, retryAfter: outcome.retryAfter.flatMap { Self.seconds(in: $0, now: now) })
        default: return retry(attempt: attempt, now: now, retryAfter: nil)
        }
    }

    private func retry(attempt: Int, now: Date, retryAfter: TimeInterval?) -> WebhookDecision {
        guard attempt < Self.maximumAttempts else { return .givenUp }
        if let retryAfter { return .retry(at: now.addingTimeInterval(min(max(retryAfter, 1), Self.longestRetryAfter))) }
        let wait = Self.schedule[attempt - 1]
        return .retry(at: now.addingTimeInterval(wait + wait * 0.1 * random()))
    }

    /// A `Retry-After` value in seconds from `now`: delay-seconds or an HTTP date.
    package static func seconds(in header: String, now: Date) -> TimeInterval? {
        let text = header.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text), seconds >= 0 { return TimeInterval(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

/// The outcome of one attempt.
package enum WebhookDecision: Sendable, Equatable {
    case delivered
    /// Try again at this time.
    case retry(at: Date)
    /// No attempt is left.
    case givenUp
    /// The receiver said 410 Gone: the endpoint is turned off.
    case gone
}

/// What the receiver answered (or why nothing came).
package struct WebhookSendOutcome: Sendable, Equatable {
    package var statusCode: Int?
    package var retryAfter: String?
    /// Why no status came: refused by the egress rules, not connected, timed out.
    package var error: String?
    package var latencyMillis: Int

    package init(statusCode: Int?, retryAfter: String? = nil, error: String? = nil, latencyMillis: Int) {
        self.statusCode = statusCode
        self.retryAfter = retryAfter
        self.error = error
        self.latencyMillis = latencyMillis
    }
}

/// Sends one signed message to a brand's URL: POST, the given headers, 15 s at most, no
/// redirects followed, only to the addresses the egress rules allow.
package protocol WebhookSender: Sendable {
    func send(url: String, headers: [(name: String, value: String)], body: [UInt8]) async -> WebhookSendOutcome
    /// Releases connections; nothing is sent afterwards.
    func shutdown() async
}
