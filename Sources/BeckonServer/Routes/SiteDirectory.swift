import BeckonCore
import Foundation
import Synchronization

/// Sites looked up by the public monitoring API on every page view, cached so the hot path does
/// not read the database. A site created or changed is forgotten when the storage's change feed
/// says so (SPEC §14); `ttl` bounds how long an entry lives even so (for writes of other nodes
/// until their changes are relayed).
final class SiteDirectory: Sendable {
    private let storage: Storage
    private let clock: any WallClock
    private let ttl: TimeInterval
    private let cache = Mutex<[String: (site: Site?, until: Date)]>([:])
    private let subscription = Mutex<Subscription?>(nil)

    init(storage: Storage, clock: any WallClock, ttl: TimeInterval = 10) {
        self.storage = storage
        self.clock = clock
        self.ttl = ttl
        let subscription = storage.changes.subscribe { [weak self] change in
            switch change {
            // A new account: an earlier "no such account" answer must not stay.
            case .sites(let id), .settings(let id): self?.forget(accountId: id)
            case .everything: self?.forgetAll()
            case .campaigns, .apiKeys: break
            }
        }
        self.subscription.withLock { $0 = subscription }
    }

    /// The site; throws `.unknownAccount` or `.notFound` (site) otherwise.
    func site(accountId: AccountID, id: String) async throws -> Site {
        let key = "\(accountId.rawValue)/\(id)"
        let now = clock.now()
        if let cached = cache.withLock({ $0[key] }), cached.until > now {
            if let site = cached.site { return site }
        } else {
            let site = try await storage.sites.site(accountId: accountId, id: id)
            cache.withLock { cache in
                if cache.count > 100_000 { cache.removeAll() }
                cache[key] = (site, now.addingTimeInterval(ttl))
            }
            if let site { return site }
        }
        guard try await storage.accounts.account(id: accountId) != nil else {
            throw BeckonError.unknownAccount(accountId.rawValue)
        }
        throw BeckonError.notFound("site '\(id)' of account '\(accountId.rawValue)'")
    }

    func forgetAll() {
        cache.withLock { $0.removeAll() }
    }

    func forget(accountId: AccountID) {
        cache.withLock { cache in cache = cache.filter { !$0.key.hasPrefix("\(accountId.rawValue)/") } }
    }
}
