import Foundation
package import ServiceLifecycle

/// Drops visits past their live window from memory once a minute (SPEC §7). Only memory: the
/// journal and the reports keep everything.
package struct LiveVisitSweeper: Service {
    let store: LiveVisitStore
    let clock: any WallClock
    let liveWindow: Duration
    let interval: Duration

    package init(store: LiveVisitStore, clock: any WallClock, liveWindow: Duration, interval: Duration = .seconds(60)) {
        self.store = store
        self.clock = clock
        self.liveWindow = liveWindow
        self.interval = interval
    }

    package func run() async throws {
        let interval = self.interval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            store.sweep(now: clock.now(), liveWindow: liveWindow)
        }
    }
}
