import Crypto
package import Foundation
import Synchronization

/// Slows down password guessing at the console's sign-in (SPEC §9, §13a): at most `maxFailures`
/// attempts within `window` for one email address and `maxFailuresPerAddress` from one network
/// address; past either, attempts are refused until the window has passed since the last counted
/// one. An attempt is counted in storage, atomically, **before** its password hash runs, so
/// parallel guesses count and the limit holds across restarts and nodes; a successful sign-in
/// takes its attempt back (the email's count is cleared, the address's lowered by one). Keys are
/// SHA-256 of the email or address: neither is stored.
package struct LoginThrottle: Sendable {
    package let maxFailures: Int
    package let maxFailuresPerAddress: Int
    package let window: TimeInterval
    let repository: any AuthStateRepository
    private let attempts = Counter()

    package init(
        repository: any AuthStateRepository, maxFailures: Int = 5, maxFailuresPerAddress: Int = 20, window: TimeInterval = 15 * 60
    ) {
        self.repository = repository
        self.maxFailures = maxFailures
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.window = window
    }

    /// Counts an attempt of `email` from `address`; answers how many seconds until it may try
    /// again when it may not now (nothing counted then).
    package func begin(email: String, address: String, now: Date) async throws -> TimeInterval? {
        if attempts.next() % 1000 == 0 { try await repository.deleteStaleAttempts(before: now.addingTimeInterval(-window)) }
        return try await repository.countAttempt(
            [AttemptLimit(key: Self.key("e", email), limit: maxFailures), AttemptLimit(key: Self.key("a", address), limit: maxFailuresPerAddress)],
            window: window, now: now)
    }

    /// The password was right: the attempt does not count against the email or the address.
    package func succeeded(email: String, address: String) async throws {
        try await repository.forgiveAttempt(clearing: [Self.key("e", email)], uncounting: [Self.key("a", address)])
    }

    static func key(_ kind: String, _ value: String) -> String {
        kind + ":" + SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Counts calls, to run housekeeping every so often.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1; return $0
        }
    }
}
