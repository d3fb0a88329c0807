import BeckonCore
import Foundation
import Synchronization

/// Sites looked up by the public monitoring API on every page view, cached for a short time so
/// the hot path does not read the database; a site created or changed is seen within `ttl`.
final class SiteDirectory: Sendable {
    private let storage: Storage
    private let clock: any WallClock
    private let ttl: TimeInterval
    private let cache = Mutex<[String: (site: Site?, until: Date)]>([:])

    init(storage: Storage, clock: any WallClock, ttl: TimeInterval = 10) {
        self.storage = storage
        self.clock = clock
        self.ttl = ttl
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

    func forget(accountId: AccountID) {
        cache.withLock { cache in cache = cache.filter { !$0.key.hasPrefix("\(accountId.rawValue)/") } }
    }
}
