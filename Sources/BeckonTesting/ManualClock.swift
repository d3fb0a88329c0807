package import BeckonCore
package import Foundation
import Synchronization

/// A wall clock tests move by hand.
package final class ManualClock: WallClock {
    private let current: Mutex<Date>

    package init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        self.current = Mutex(start)
    }

    package func now() -> Date { current.withLock { $0 } }

    package func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    package func set(_ date: Date) { current.withLock { $0 = date } }
}
