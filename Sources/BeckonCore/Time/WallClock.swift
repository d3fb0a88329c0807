package import Foundation

/// The source of "now" for everything that stores or compares times. Injected so tests can
/// move time (visit expiry, key last-used times, token validity) without sleeping.
package protocol WallClock: Sendable {
    func now() -> Date
}

/// The real clock.
package struct SystemWallClock: WallClock {
    package init() {}
    package func now() -> Date { Date() }
}

extension Date {
    /// Milliseconds since 1970, the unit every stored timestamp uses (portable across SQLite and
    /// PostgreSQL, and the unit of LivePerson's `time` fields).
    package var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    package init(millisecondsSince1970 ms: Int64) {
        self.init(timeIntervalSince1970: Double(ms) / 1000)
    }
}
