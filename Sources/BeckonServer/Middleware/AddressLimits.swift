import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird
import Prometheus

/// Per-address limits on the public endpoints (SPEC §13): every request takes a token from the
/// node-wide bucket of its client address and from the account's bucket (`settings.abuse.
/// perAddress`); a page view of a new visitor also from the new-visitor buckets. Past them the
/// answer is 429 with `Retry-After` and LivePerson's envelope, and
/// `beckon_rate_limited_total{endpoint}` counts it.
struct AddressLimits: Sendable {
    /// The node-wide limits per address, over all accounts (`limits.perAddress.*`).
    struct Node: Sendable {
        var requestsPerMinute: Int? = 6000
        var newVisitorsPerMinute: Int? = 600
    }

    let limiter: AddressRateLimiter
    let node: Node
    let catalog: CampaignCatalog
    let trustForwardedFor: Bool
    let registry: PrometheusCollectorRegistry

    static var limited: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "beckon", subsystem: "abuse", metricName: "rate_limited", unitName: "total",
            helpText: "Requests refused by the per-address limits, by endpoint.")
    }

    /// Takes a request token for the client of `request` on `endpoint` of `accountId`'s site.
    func request(_ request: Request, _ context: AppRequestContext, endpoint: String, accountId: AccountID?) async throws {
        try await take(request, context, endpoint: endpoint, accountId: accountId, what: "requests") {
            $0.requestsPerMinute
        } node: {
            $0.requestsPerMinute
        }
    }

    /// Takes a new-visitor token (a page view without a visitor id the server gave out).
    func newVisitor(_ request: Request, _ context: AppRequestContext, accountId: AccountID) async throws {
        try await take(request, context, endpoint: "monitoring.newVisitor", accountId: accountId, what: "newVisitors") {
            $0.newVisitorsPerMinute
        } node: {
            $0.newVisitorsPerMinute
        }
    }

    private func take(
        _ request: Request, _ context: AppRequestContext, endpoint: String, accountId: AccountID?, what: String,
        account: (AbuseSettings.PerAddress) -> Int?, node nodeLimit: (Node) -> Int?
    ) async throws {
        let address = context.clientAddress(request, trustForwardedFor: trustForwardedFor) ?? "unknown"
        var wait: Int?
        if let limit = nodeLimit(node) {
            wait = limiter.take(.init(scope: "*|\(what)", address: address), perMinute: limit)
        }
        if wait == nil, let accountId, let settings = try? await catalog.index(for: accountId).settings,
            let limit = account(settings.abuse.perAddress)
        {
            wait = limiter.take(.init(scope: "\(accountId.rawValue)|\(what)", address: address), perMinute: limit)
        }
        guard let wait else { return }
        registry.makeCounter(descriptor: Self.limited, labels: [("endpoint", endpoint)]).increment()
        throw RateLimitedError(retryAfterSeconds: wait, what: what == "newVisitors" ? "new visitors" : "requests")
    }
}

/// Too many requests (or new visitors) from one address: 429 with `Retry-After`.
struct RateLimitedError: Error {
    var retryAfterSeconds: Int
    var what: String
}
