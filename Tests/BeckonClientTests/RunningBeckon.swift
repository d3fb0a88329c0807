import BeckonClient
import BeckonCore
import BeckonServer
import BeckonTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real Beckon on a free port of 127.0.0.1 over fresh SQLite: account `acme` (and `globex`),
/// an admin key, a site for `https://www.acme.example` and a live Click to Call campaign on
/// `/product/` pages. Brand-side code talks to it over HTTP, as it would in production.
struct RunningBeckon: Sendable {
    let baseURL: URL
    let storage: Storage
    /// Starts at the real time (the SDK signs with it); tests may move it on.
    let clock: ManualClock
    let admin: IssuedAPIKey
    let site: Site
    let provisioning: Provisioning

    static let origin = "https://www.acme.example"

    static func with(_ body: @escaping @Sendable (RunningBeckon) async throws -> Void) async throws {
        try await TestStorage.withSQLite { storage, _ in
            let clock = ManualClock(Date())
            let logger = Logger(label: "beckon.client-test")
            let dependencies = AppDependencies(
                storage: storage, journal: GroupCommitJournal(store: storage.journal, logger: logger),
                secretBox: try SecretBox(masterKey: SecretBox.generateMasterKey()), clock: clock,
                passwordHasher: PasswordHasher(iterations: 1000), logger: logger)
            let provisioning = dependencies.provisioning
            for account in ["acme", "globex"] {
                _ = try await provisioning.createAccount(id: account, name: nil, adminEmail: "admin@\(account).example")
            }
            let admin = try await provisioning.createAPIKey(accountId: "acme", name: "brand", scopes: [.admin])
            let (site, _) = try await provisioning.createSite(accountId: "acme", name: "Shop", origins: [origin])
            let acme = AccountID(trusted: "acme")
            let campaign = try await storage.campaigns.createCampaign(
                accountId: acme, settings: CampaignSettings(name: "Callback", status: .live, priority: 1), at: clock.now())
            _ = try await storage.campaigns.createEngagement(
                accountId: acme, campaignId: campaign.id,
                settings: CampaignFixtures.engagement(1, campaign: campaign.id, entryPoint: EntryPoint(include: [.urlContains("/product/")]))
                    .settings,
                at: clock.now())
            let app = try buildApplication(configuration: BeckonConfiguration(port: 0), dependencies: dependencies)
            try await app.test(.live) { client in
                guard let port = client.port else { throw BeckonError.storageUnavailable("no port") }
                try await body(
                    RunningBeckon(
                        baseURL: URL(string: "http://127.0.0.1:\(port)")!, storage: storage, clock: clock, admin: admin, site: site,
                        provisioning: provisioning))
            }
        }
    }

    /// The SDK with the admin key, as bearer or OAuth 1.0a; quick retries.
    func client(oauth: Bool = false) -> BeckonClient {
        let credentials: BeckonClient.Credentials =
            oauth
            ? .oauth1(
                consumerKey: admin.oauth1.consumerKey, consumerSecret: admin.oauth1.consumerSecret, token: admin.oauth1.token,
                tokenSecret: admin.oauth1.tokenSecret)
            : .bearer(admin.bearer)
        return BeckonClient(baseURL: baseURL, accountId: "acme", credentials: credentials, timeout: 5, retry: .init(retries: 3, initialDelay: 0.01))
    }

    /// A visitor's page view, display and click through the monitoring API (as the tag sends
    /// them); answers the brand page URL Beckon opens.
    func clickThroughURL() async throws -> URL {
        let site = "api/account/acme/app/\(self.site.id)"
        let view = try await json(
            "POST", "\(site)/engagement?v=1.0", #"{"entryPoints":["https://www.acme.example/product/42","sec://shop"]}"#)
        guard let visitor = view["visitorId"] as? String, let session = view["sessionId"] as? String,
            let detail = (view["engagementDetails"] as? [[String: Any]])?.first, let campaign = detail["campaignId"] as? Int,
            let engagement = detail["engagementId"] as? Int, let revision = detail["engagementRevision"] as? Int,
            let context = detail["contextId"] as? String
        else { throw BeckonClientError.malformed("no engagement offered: \(view)") }
        func impression(_ type: String) -> String {
            #"{"type":"\#(type)","campaign":\#(campaign),"engId":\#(engagement),"revision":\#(revision),"eContext":[{"type":"engagementContext","id":"\#(context)"}]}"#
        }
        let report = try await json(
            "PUT", "\(site)/report?v=1.0&vid=\(visitor)&sid=\(session)",
            "{\"engagementAttributes\":[\(impression("impDisplay")),\(impression("impAccept"))]}")
        guard let url = (report["clickThrough"] as? [String: Any])?["url"] as? String, let parsed = URL(string: url) else {
            throw BeckonClientError.malformed("no click-through: \(report)")
        }
        return parsed
    }

    func click() async throws -> ClickThrough {
        guard let click = ClickThrough(url: try await clickThroughURL()) else { throw BeckonClientError.malformed("click-through URL") }
        return click
    }

    /// Another API key of `acme`, with `scopes`.
    func key(scopes: Set<Scope>) async throws -> IssuedAPIKey {
        try await provisioning.createAPIKey(accountId: "acme", name: "other", scopes: scopes)
    }

    /// An account API call with the admin key (settings, abuse blocks): the status and the JSON.
    @discardableResult
    func admin(_ method: String, _ path: String, _ body: String) async throws -> Int {
        try await send(method, path, body, bearer: admin.bearer).status
    }

    private func json(_ method: String, _ path: String, _ body: String) async throws -> [String: Any] {
        let (_, data) = try await send(method, path, body, bearer: nil)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    private func send(_ method: String, _ path: String, _ body: String, bearer: String?) async throws -> (status: Int, data: Data) {
        var request = URLRequest(url: URL(string: "\(baseURL.absoluteString)/\(path)")!)
        request.httpMethod = method
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
