import BeckonCallPage
import BeckonClient
import BeckonCore
import BeckonServer
import BeckonStorage
import Foundation
import Hummingbird
package import Logging
import ServiceLifecycle

/// `beckon demo` (SPEC §14): Beckon on a fresh embedded database with a demo account, site,
/// live Click to Call campaign and console admin; the reference call page with a simulated
/// dialer; and a small sample brand website with the tag — the whole flow on one machine.
package enum BeckonDemo {
    package struct Options: Sendable {
        package var host = "127.0.0.1"
        package var beckonPort = 8080
        package var callPagePort = 8081
        package var sitePort = 8082
        /// Replaced on every start.
        package var dataDirectory = "./data/demo"
        /// Multiplies the simulated call's pauses.
        package var callSpeed = 1.0
        package var publicDirectory: String?

        package init() {}
    }

    /// What the demo prints for a person (and, with `--json`, for scripts).
    package struct Started: Codable, Sendable {
        package var site: String
        package var product: String
        package var console: String
        package var consoleEmail: String
        package var consolePassword: String
        package var callPage: String
        package var accountId: String
        package var siteId: String
        package var campaignId: Int64
        package var engagementId: Int64
    }

    package static let accountId = "demo"

    /// Runs until SIGINT or SIGTERM; `started` is called once everything listens.
    package static func run(_ options: Options, logger: Logger, started: @escaping @Sendable (Started) -> Void) async throws {
        let folder = URL(fileURLWithPath: options.dataDirectory)
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = BeckonConfiguration(
            host: options.host, port: options.beckonPort, publicDirectory: options.publicDirectory,
            storage: StorageConfiguration(driver: .sqlite, sqlitePath: folder.appendingPathComponent("beckon.sqlite").path),
            masterKeyFile: folder.appendingPathComponent("master.key").path)
        configuration.rollupInterval = .seconds(1)
        let secretBox = try configuration.resolveMasterKey()
        let storage = try await StorageFactory.connect(configuration.storage, schema: .migrate, logger: logger)
        let journal = GroupCommitJournal(store: storage.journal, configuration: configuration.journal, logger: logger)
        let dependencies = AppDependencies(
            storage: storage, journal: journal, secretBox: secretBox, rollupInterval: configuration.rollupInterval, logger: logger)
        do {
            let base = "http://\(options.host):\(options.beckonPort)"
            let siteOrigin = "http://\(options.host):\(options.sitePort)"
            let callPageURL = "http://\(options.host):\(options.callPagePort)/call"
            let seeded = try await seed(dependencies, siteOrigins: [siteOrigin, "http://localhost:\(options.sitePort)"], callPage: callPageURL)
            let beckon = try buildApplication(configuration: configuration, dependencies: dependencies)
            let client = BeckonClient(baseURL: URL(string: base)!, accountId: accountId, credentials: .bearer(seeded.callPageKey))
            let callPage = Application(
                router: CallPage(beckon: client, dialer: SimulatedDialer(speed: options.callSpeed), logger: logger).router(),
                configuration: .init(address: .hostname(options.host, port: options.callPagePort), serverName: "beckon-demo-callpage"),
                logger: logger)
            let site = Application(
                router: try DemoSite(publicDirectory: options.publicDirectory, tag: "\(base)/tag/v1/\(accountId)/\(seeded.siteId).js").router(),
                configuration: .init(address: .hostname(options.host, port: options.sitePort), serverName: "beckon-demo-site"),
                logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: beckon), .init(service: callPage), .init(service: site)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            let announcement = Started(
                site: siteOrigin + "/", product: siteOrigin + "/product/home-insurance", console: base + "/console",
                consoleEmail: seeded.email, consolePassword: seeded.password, callPage: callPageURL, accountId: accountId,
                siteId: seeded.siteId, campaignId: seeded.campaignId, engagementId: seeded.engagementId)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    // Announce once the three servers answer.
                    for url in [base + "/readyz", "http://\(options.host):\(options.callPagePort)/healthz", siteOrigin + "/site.css"] {
                        try await waitUntilAnswering(url)
                    }
                    started(announcement)
                }
                try await tasks.waitForAll()
            }
        } catch {
            try? await storage.close()
            throw error
        }
        try await storage.close()
    }

    struct Seeded {
        var email: String
        var password: String
        var siteId: String
        var callPageKey: String
        var campaignId: Int64
        var engagementId: Int64
    }

    static func seed(_ dependencies: AppDependencies, siteOrigins: [String], callPage: String) async throws -> Seeded {
        let provisioning = dependencies.provisioning
        let account = try await provisioning.createAccount(
            id: accountId, name: "Acme Insurance (demo)", adminEmail: "admin@demo.example", timeZone: TimeZone.current.identifier)
        let (site, _) = try await provisioning.createSite(accountId: accountId, name: "Acme Insurance", origins: siteOrigins)
        let key = try await provisioning.createAPIKey(
            accountId: accountId, name: "Reference call page", scopes: [.engagementValidate, .visitRead, .eventsWrite])
        let id = AccountID(trusted: accountId)
        // The demo dials nobody (a simulated dialer): let a visitor anywhere try any number. Every
        // other abuse default stays on, so the demo shows them (docs/abuse.md).
        if var settings = try await dependencies.storage.accounts.settings(accountId: id) {
            settings.abuse.allowedCountries = nil
            try await dependencies.storage.accounts.updateSettings(accountId: id, settings)
        }
        let now = dependencies.clock.now()
        let campaign = try await dependencies.storage.campaigns.createCampaign(
            accountId: id,
            settings: CampaignSettings(name: "Callback for insurance quotes", status: .live, priority: 10, goal: Goal(type: .lead)),
            at: now)
        let engagement = try await dependencies.storage.campaigns.createEngagement(
            accountId: id, campaignId: campaign.id,
            settings: EngagementSettings(
                name: "Call me back banner", type: .clickToCall,
                entryPoint: EntryPoint(include: [.urlContains("/product/"), .urlContains("/cart")]),
                behaviour: Behaviour(all: [.timeOnPageSeconds(2)]), placement: .toaster, openMode: .popup,
                creative: .init(html: creativeHTML, css: creativeCSS),
                clickToCall: .init(brandPageUrl: callPage, validitySeconds: 600, maxValidations: 1)),
            at: now)
        return Seeded(
            email: account.adminEmail, password: account.adminPassword, siteId: site.id, callPageKey: key.bearer,
            campaignId: campaign.id, engagementId: engagement.id)
    }

    static let creativeHTML = """
        <div class="banner"><p class="title">Questions about your quote?</p>
        <p>An advisor calls you back within a minute — free.</p>
        <button data-beckon-click>Call me now</button><p class="bk-status" role="status"></p></div>
        """
    static let creativeCSS = """
        .banner { max-width: 300px; color: #1f2937; }
        .title { font-weight: 700; font-size: 17px; margin: 0 0 4px; }
        button { background: #0f766e; color: #fff; border: 0; border-radius: 8px; padding: 9px 16px; font: inherit; font-weight: 600; cursor: pointer; }
        .bk-status { margin: 8px 0 0; color: #0f766e; font-weight: 600; }
        """

    static func waitUntilAnswering(_ url: String) async throws {
        for _ in 0..<300 {
            var request = URLRequest(url: URL(string: url)!, timeoutInterval: 1)
            request.httpMethod = "GET"
            if let (_, response) = try? await URLSession.shared.data(for: request), (response as? HTTPURLResponse)?.statusCode == 200 {
                return
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        throw BeckonError.storageUnavailable("\(url) did not come up")
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
import UnixSignals
#endif

/// The sample brand website: three pages with the tag, reporting a product view and a cart.
struct DemoSite: Sendable {
    let template: String
    let css: String
    let script: String
    let tag: String

    init(publicDirectory: String?, tag: String) throws {
        let folder = try DemoSite.folder(publicDirectory)
        template = try String(contentsOfFile: folder + "/page.html", encoding: .utf8)
        css = try String(contentsOfFile: folder + "/site.css", encoding: .utf8)
        script = try String(contentsOfFile: folder + "/site.js", encoding: .utf8)
        self.tag = tag
    }

    static func folder(_ configured: String?) throws -> String {
        var candidates = [configured, FileManager.default.currentDirectoryPath + "/Public"].compactMap { $0 }
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("Public").path)
            folder = folder.deletingLastPathComponent()
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/demo/page.html") }) else {
            throw BeckonError.invalidInput(field: "http.publicDir", reason: "no demo/page.html in \(candidates.joined(separator: ", "))")
        }
        return found + "/demo"
    }

    static let pages: [String: (title: String, sections: String, body: String)] = [
        "/": (
            "Home", #"["home"]"#,
            """
            <h1>Insurance that calls you back</h1>
            <p>Home, car and travel insurance from people who pick up the phone.</p>
            <p><a href="/product/home-insurance">See our home insurance →</a></p>
            """
        ),
        "/product/home-insurance": (
            "Home insurance", #"["insurance", "home"]"#,
            """
            <h1>Home insurance</h1>
            <p>Covers your building and everything in it: fire, water, theft and storms, with a 24-hour claims line.</p>
            <p class="price">$20 / month</p>
            <p><a href="/cart"><button class="buy" type="button">Get my quote</button></a></p>
            """
        ),
        "/cart": (
            "Your quote", #"["insurance", "checkout"]"#,
            """
            <h1>Your quote</h1>
            <p>Home insurance, 12 months: <strong>$240</strong>.</p>
            <p>Questions before you sign? Wait a moment: we offer to call you.</p>
            """
        ),
    ]

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        for (path, page) in Self.pages {
            let html = template.replacingOccurrences(of: "{{TITLE}}", with: page.title)
                .replacingOccurrences(of: "{{SECTIONS}}", with: page.sections)
                .replacingOccurrences(of: "{{BODY}}", with: page.body)
                .replacingOccurrences(of: "{{TAG}}", with: #"<script async src="\#(tag)"></script>"#)
            router.get(RouterPath(path)) { _, _ in Self.respond(html, "text/html; charset=utf-8") }
        }
        let css = self.css
        let script = self.script
        router.get("site.css") { _, _ in Self.respond(css, "text/css; charset=utf-8") }
        router.get("site.js") { _, _ in Self.respond(script, "text/javascript; charset=utf-8") }
        return router
    }

    static func respond(_ text: String, _ type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
