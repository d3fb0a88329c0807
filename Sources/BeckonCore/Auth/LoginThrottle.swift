import Foundation
import Synchronization

/// Slows down password guessing at the console's sign-in (SPEC §9): after `maxFailures` failed
/// attempts within `window` for one email address, or `maxFailuresPerAddress` from one network
/// address, further attempts are refused until the window has passed since the last failure.
/// Per process: behind several nodes a guesser gets each node's allowance, still a few dozen
/// guesses per quarter hour against 600k-iteration password hashes.
public final class LoginThrottle: Sendable {
    public let maxFailures: Int
    public let maxFailuresPerAddress: Int
    public let window: TimeInterval

    private struct Failures {
        var count = 0
        var last = Date.distantPast
    }

    private let state = Mutex<[String: Failures]>([:])

    public init(maxFailures: Int = 5, maxFailuresPerAddress: Int = 20, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.window = window
    }

    /// Seconds until `email` from `address` may try again; nil when it may now.
    public func retryAfter(email: String, address: String, now: Date) -> TimeInterval? {
        state.withLock { failures in
            var wait: TimeInterval?
            for (key, limit) in [("e:" + email, maxFailures), ("a:" + address, maxFailuresPerAddress)] {
                guard let entry = failures[key] else { continue }
                let remaining = window - now.timeIntervalSince(entry.last)
                if remaining <= 0 {
                    failures[key] = nil
                } else if entry.count >= limit {
                    wait = max(wait ?? 0, remaining)
                }
            }
            return wait
        }
    }

    public func failed(email: String, address: String, now: Date) {
        state.withLock { failures in
            if failures.count > 100_000 { failures = failures.filter { now.timeIntervalSince($0.value.last) < window } }
            for key in ["e:" + email, "a:" + address] {
                var entry = failures[key] ?? Failures()
                if now.timeIntervalSince(entry.last) >= window { entry.count = 0 }
                entry.count += 1
                entry.last = now
                failures[key] = entry
            }
        }
    }

    /// A successful sign-in forgets the email's failures.
    public func succeeded(email: String) {
        _ = state.withLock { $0.removeValue(forKey: "e:" + email) }
    }
}
