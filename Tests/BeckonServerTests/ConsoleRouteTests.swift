import BeckonCore
import BeckonServer
import BeckonTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing

struct SignedIn {
    var cookie: String
    var csrf: String
    var setCookie: String
}

struct SessionReply: Decodable {
    var accountId: String
    var email: String
    var role: String
    var scopes: [String]
    var csrfToken: String
}

extension TestClientProtocol {
    func signIn(
        _ email: String, _ password: String, account: String? = nil, headers: HTTPFields = [HTTPField.Name("Host")!: "beckon.example"]
    ) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        let accountField = account.map { #","accountId":"\#($0)""# } ?? ""
        return try await execute(
            uri: "/console/api/session", method: .post, headers: headers,
            body: ByteBuffer(string: #"{"email":"\#(email)","password":"\#(password)"\#(accountField)}"#))
    }

    func signedIn(_ email: String, _ password: String) async throws -> SignedIn {
        let response = try await signIn(email, password)
        #expect(response.status == .ok)
        let setCookie = response.headers[.setCookie] ?? ""
        let cookie = String(setCookie.split(separator: ";").first ?? "")
        return SignedIn(cookie: cookie, csrf: try response.decoded(SessionReply.self).csrfToken, setCookie: setCookie)
    }

    /// A console request: the session cookie, and the CSRF token when `csrf` is given.
    func console(
        _ method: HTTPRequest.Method, _ uri: String, _ session: SignedIn, csrf: String? = nil, json: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.cookie: session.cookie]
        if let csrf { headers[.init("X-CSRF-Token")!] = csrf }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

@Suite struct ConsoleRouteTests {
    @Test func signingInSetsASafeCookieAndTheSessionReadsTheAPIs() async throws {
        try await TestApp.with { app, client in
            let admin = try await app.provisioning.createUser(accountId: "acme", email: "Boss@Acme.example", role: "admin")
            let session = try await client.signedIn("boss@acme.example", admin.password)
            #expect(session.cookie.hasPrefix("beckon_session=cs_"))
            for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] { #expect(session.setCookie.contains(attribute), "\(attribute)") }
            let reply = try await client.console(.get, "/console/api/session", session).decoded(SessionReply.self)
            #expect(reply.accountId == "acme" && reply.role == "admin" && reply.scopes == ["admin"])
            #expect(try await client.console(.get, "/api/v1/accounts/acme/campaigns", session).status == .ok)
            // The same account only.
            #expect(try await client.console(.get, "/api/v1/accounts/globex/campaigns", session).status == .forbidden)
            // On plain http on this machine the cookie cannot be Secure, or the browser would drop it.
            let local = try await client.signIn("boss@acme.example", admin.password, headers: [HTTPField.Name("Host")!: "localhost:8080"])
            #expect(local.headers[.setCookie]?.contains("Secure") == false)
            // The database holds no token, only its hash.
            let token = String(session.cookie.dropFirst("beckon_session=".count))
            #expect(try await app.storage.consoleSessions.session(tokenHash: ConsoleSession.hash(token), now: app.clock.now()) != nil)
        }
    }

    @Test func changesNeedTheCSRFToken() async throws {
        try await TestApp.with { app, client in
            let admin = try await app.provisioning.createUser(accountId: "acme", email: "boss@acme.example", role: "admin")
            let session = try await client.signedIn("boss@acme.example", admin.password)
            let campaign = #"{"name":"From the console"}"#
            #expect(try await client.console(.post, "/api/v1/accounts/acme/campaigns", session, json: campaign).status == .forbidden)
            #expect(
                try await client.console(.post, "/api/v1/accounts/acme/campaigns", session, csrf: "wrong", json: campaign).status
                    == .forbidden)
            #expect(
                try await client.console(.post, "/api/v1/accounts/acme/campaigns", session, csrf: session.csrf, json: campaign).status
                    == .created)
            // Signing out needs it too, and ends the session.
            #expect(try await client.console(.delete, "/console/api/session", session).status == .forbidden)
            let out = try await client.console(.delete, "/console/api/session", session, csrf: session.csrf)
            #expect(out.status == .noContent && out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.console(.get, "/api/v1/accounts/acme/campaigns", session).status == .unauthorized)
            #expect(try await client.console(.get, "/console/api/session", session).status == .unauthorized)
        }
    }

    @Test func rolesAreEnforcedByTheServer() async throws {
        try await TestApp.with { app, client in
            let manager = try await app.provisioning.createUser(accountId: "acme", email: "cm@acme.example", role: "campaignManager")
            let analyst = try await app.provisioning.createUser(accountId: "acme", email: "an@acme.example", role: "analyst")
            let m = try await client.signedIn("cm@acme.example", manager.password)
            let a = try await client.signedIn("an@acme.example", analyst.password)
            let campaign = #"{"name":"Quotes"}"#
            let created = try await client.console(.post, "/api/v1/accounts/acme/campaigns", m, csrf: m.csrf, json: campaign)
            #expect(created.status == .created)
            // A campaign manager cannot reach API keys or add sites.
            #expect(try await client.console(.get, "/api/v1/accounts/acme/apikeys", m).status == .forbidden)
            #expect(
                try await client.console(.post, "/api/v1/accounts/acme/apikeys", m, csrf: m.csrf, json: #"{"scopes":["admin"]}"#).status
                    == .forbidden)
            // An analyst reads campaigns and reports but changes nothing.
            #expect(try await client.console(.get, "/api/v1/accounts/acme/campaigns", a).status == .ok)
            #expect(try await client.console(.get, "/api/v1/accounts/acme/reports/funnel", a).status == .ok)
            #expect(try await client.console(.post, "/api/v1/accounts/acme/campaigns", a, csrf: a.csrf, json: campaign).status == .forbidden)
            #expect(
                try await client.console(.patch, "/api/v1/accounts/acme/campaigns/1", a, csrf: a.csrf, json: #"{"status":"paused"}"#).status
                    == .forbidden)
            #expect(try await client.console(.patch, "/api/v1/accounts/acme/settings", a, csrf: a.csrf, json: "{}").status == .forbidden)
        }
    }

    @Test func repeatedFailuresLockTheEmailOut() async throws {
        try await TestApp.with { app, client in
            let user = try await app.provisioning.createUser(accountId: "acme", email: "boss@acme.example", role: "admin")
            let unknown = try await client.signIn("nobody@acme.example", "whatever")
            #expect(unknown.status == .unauthorized && unknown.envelope?.message == "wrong email or password")
            for _ in 0..<5 {
                let wrong = try await client.signIn("boss@acme.example", "not-the-password")
                #expect(wrong.status == .unauthorized && wrong.envelope?.message == "wrong email or password")
            }
            let locked = try await client.signIn("boss@acme.example", user.password)
            #expect(locked.status == .tooManyRequests)
            #expect(Int(locked.headers[.retryAfter] ?? "") ?? 0 > 800)
            app.clock.advance(by: 16 * 60)
            #expect(try await client.signIn("boss@acme.example", user.password).status == .ok)
        }
    }

    @Test func signInRefusesOtherOriginsAndAsksForTheAccountWhenTheEmailIsShared() async throws {
        try await TestApp.with { app, client in
            let acme = try await app.provisioning.createUser(accountId: "acme", email: "ops@shared.example", role: "admin")
            _ = try await app.provisioning.createUser(accountId: "globex", email: "ops@shared.example", role: "analyst")
            let foreign = try await client.signIn(
                "ops@shared.example", acme.password, headers: [HTTPField.Name("Host")!: "beckon.example", .origin: "https://evil.example"])
            #expect(foreign.status == .forbidden)
            // Only acme's password matches, so it signs in to acme.
            let one = try await client.signIn("ops@shared.example", acme.password)
            #expect(try one.decoded(SessionReply.self).accountId == "acme")
            let chosen = try await client.signIn("ops@shared.example", acme.password, account: "globex")
            #expect(chosen.status == .unauthorized)
        }
    }

    @Test func theConsoleIsServedWithAStrictPolicy() async throws {
        try await TestApp.with { _, client in
            let page = try await client.execute(uri: "/console/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let policy = page.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(try await client.execute(uri: "/console", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/console/..%2Fbeckon.js", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/console/missing.js", method: .get).status == .notFound)
        }
    }

    @Test func aLivePreviewRendersUnsavedCreativesEscaped() async throws {
        try await TestApp.with { app, client in
            let preview = try await client.call(
                .post, "/api/v1/accounts/acme/engagements/preview", key: app.acmeReader,
                json: #"{"placement":"overlay","creative":{"html":"<p>Hi {{name}}</p>","css":"p{color:red}"},"values":{"name":"<b>Ana</b>"}}"#)
            #expect(preview.status == .ok)
            #expect(preview.text.contains(#""values":{"name":"\u003cb>Ana\u003c/b>"}"#))
            #expect(preview.text.contains(#""placement":"overlay""#) && preview.text.contains("p{color:red}"))
            #expect(preview.headers[.contentSecurityPolicy]?.hasPrefix("sandbox allow-scripts;") == true)
            let bad = try await client.call(.post, "/api/v1/accounts/acme/engagements/preview", key: app.acmeReader, json: #"{"placement":"x"}"#)
            #expect(bad.status == .badRequest)
        }
    }

    @Test func aVisitorsHistoryShowsVisitsPagesEngagementsAndCalls() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let events = "/api/account/acme/monitoring/visitors/\(visit.reply.visitorId)/visits/current/events?v=1&sid=\(visit.reply.sessionId)"
            let status = #"[{"type":"convStatus","contextId":"\#(visit.detail.contextId)","status":"COMPLETED","disposition":"sale"}]"#
            #expect(try await client.call(.post, events, key: app.acmeAdmin, json: status).status == .ok)
            let path = "/api/v1/accounts/acme/visitors/\(visit.reply.visitorId)"
            let history = try await client.call(.get, path, key: app.acmeReader)
            #expect(history.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(buffer: history.body)) as? [String: Any]
            let visits = json?["visits"] as? [[String: Any]]
            #expect(visits?.count == 1)
            let engagement = (visits?.first?["engagements"] as? [[String: Any]])?.first
            #expect(engagement?["campaignId"] as? Int == Int(fixture.campaign.id))
            #expect(engagement?["displayedAt"] != nil && engagement?["clickedAt"] != nil)
            let calls = engagement?["callStatuses"] as? [[String: Any]]
            #expect(calls?.first?["status"] as? String == "COMPLETED" && calls?.first?["disposition"] as? String == "sale")
            #expect((visits?.first?["pages"] as? [[String: Any]])?.count == 1)
            // Another account cannot see it; bad and unknown ids are told apart.
            #expect(
                try await client.call(.get, "/api/v1/accounts/globex/visitors/\(visit.reply.visitorId)", key: app.globexAdmin).status == .notFound)
            #expect(try await client.call(.get, "/api/v1/accounts/acme/visitors/not-an-id", key: app.acmeReader).status == .badRequest)
            #expect(try await client.call(.get, "/api/v1/accounts/acme/visitors/\(VisitToken.random())", key: app.acmeReader).status == .notFound)
        }
    }
}

struct NewUserReply: Decodable {
    var id: String
    var email: String
    var role: String
    var password: String
}

@Suite struct UserRouteTests {
    @Test func adminsAddUsersWhoCanSignInAndChangeOrRemoveThem() async throws {
        try await TestApp.with { app, client in
            let boss = try await app.provisioning.createUser(accountId: "acme", email: "boss@acme.example", role: "admin")
            let admin = try await client.signedIn("boss@acme.example", boss.password)
            let created = try await client.console(
                .post, "/api/v1/accounts/acme/users", admin, csrf: admin.csrf, json: #"{"email":"New@Acme.example","role":"campaignManager"}"#)
            #expect(created.status == .created)
            let user = try created.decoded(NewUserReply.self)
            #expect(user.email == "new@acme.example" && user.role == "campaignManager" && user.password.count >= 16)
            let list = try await client.console(.get, "/api/v1/accounts/acme/users", admin)
            #expect(list.text.contains("new@acme.example") && !list.text.contains("password"))
            // The new user signs in; a role change signs them out everywhere.
            let newcomer = try await client.signedIn("new@acme.example", user.password)
            #expect(try await client.console(.get, "/api/v1/accounts/acme/users", newcomer).status == .forbidden)
            let changed = try await client.console(
                .patch, "/api/v1/accounts/acme/users/\(user.id)", admin, csrf: admin.csrf, json: #"{"role":"analyst"}"#)
            #expect(changed.status == .ok && changed.text.contains(#""role":"analyst""#))
            #expect(try await client.console(.get, "/console/api/session", newcomer).status == .unauthorized)
            // Removed: signed out and cannot sign in again.
            let again = try await client.signedIn("new@acme.example", user.password)
            #expect(try await client.console(.delete, "/api/v1/accounts/acme/users/\(user.id)", admin, csrf: admin.csrf).status == .noContent)
            #expect(try await client.console(.get, "/console/api/session", again).status == .unauthorized)
            #expect(try await client.signIn("new@acme.example", user.password).status == .unauthorized)
        }
    }

    @Test func badInputDuplicatesTheLastAdminAndOtherAccountsAreRefused() async throws {
        try await TestApp.with { app, client in
            let path = "/api/v1/accounts/acme/users"
            for (body, field) in [(#"{"email":"x@acme.example","role":"owner"}"#, "role"), (#"{"email":"not an email","role":"analyst"}"#, "email")] {
                let answer = try await client.call(.post, path, key: app.acmeAdmin, json: body)
                #expect(answer.status == .badRequest && answer.text.contains(#""field":"\#(field)""#), "\(body): \(answer.text)")
            }
            #expect(
                try await client.call(.post, path, key: app.acmeAdmin, json: #"{"email":"admin@acme.example","role":"analyst"}"#).status == .conflict)
            // acme's only admin (from `account create`) can be neither demoted nor removed.
            let users =
                try JSONSerialization.jsonObject(with: Data(buffer: try await client.call(.get, path, key: app.acmeAdmin).body)) as? [String: Any]
            let only = try #require((users?["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await client.call(.patch, "\(path)/\(only)", key: app.acmeAdmin, json: #"{"role":"analyst"}"#).status == .conflict)
            #expect(try await client.call(.delete, "\(path)/\(only)", key: app.acmeAdmin).status == .conflict)
            // Another account's user is not found from here; keys without admin cannot list.
            #expect(try await client.call(.delete, "/api/v1/accounts/globex/users/\(only)", key: app.globexAdmin).status == .notFound)
            #expect(try await client.call(.get, path, key: app.acmeReader).status == .forbidden)
        }
    }
}

@Suite struct VisitorErasureTests {
    @Test func erasingAVisitorRemovesItsVisitsEventsAndFactsButNotTheCounts() async throws {
        try await TestApp.with { app, client in
            let fixture = try await MonitoringFixture.make(app)
            let visit = try await ClickedVisit.make(client, fixture)
            let other = try await ClickedVisit.make(client, fixture)
            try await app.dependencies.rollups.catchUp()
            let path = "/api/v1/accounts/acme/visitors/\(visit.reply.visitorId)"
            // Only an admin erases; another account does not know the visitor.
            #expect(try await client.call(.delete, path, key: app.acmeReader).status == .forbidden)
            #expect(
                try await client.call(.delete, "/api/v1/accounts/globex/visitors/\(visit.reply.visitorId)", key: app.globexAdmin).status == .notFound)
            let erased = try await client.call(.delete, path, key: app.acmeAdmin)
            #expect(erased.status == .ok)
            #expect(erased.text.contains(#""erasedEvents":"#) && !erased.text.contains(#""erasedEvents":0"#))
            // Gone from the history, the brand APIs (no rebuild from the journal) and the facts.
            #expect(try await client.call(.get, path, key: app.acmeReader).status == .notFound)
            #expect(try await client.call(.get, visit.validatePath(), key: app.acmeAdmin).status == .notFound)
            let acme = AccountID(trusted: "acme")
            #expect(try await app.storage.journal.events(accountId: acme, visitorId: visit.reply.visitorId, since: .distantPast, limit: 10).isEmpty)
            let facts = try await app.storage.rollups.facts(
                ReportFactQuery(accountId: acme, type: ReportFact.displayType, from: .distantPast, to: .distantFuture))
            #expect(facts.map(\.visitorId) == [other.reply.visitorId])
            // The other visitor is untouched; the counts (which name nobody) stay.
            #expect(try await client.call(.get, "/api/v1/accounts/acme/visitors/\(other.reply.visitorId)", key: app.acmeReader).status == .ok)
            let report = try await client.call(.get, "/api/v1/accounts/acme/reports/funnel", key: app.acmeAdmin).decoded(FunnelReply.self)
            #expect(report.rows.first?.int("clicks") == 2)
            // An audit record, without the visitor's id.
            let audit = try await app.storage.journal.events(JournalQuery(accountId: acme, from: .distantPast, to: .distantFuture, kinds: [.erasure]))
            #expect(audit.count == 1 && audit.first?.event.visitorId == nil)
            // Erasing again: nothing known any more.
            #expect(try await client.call(.delete, path, key: app.acmeAdmin).status == .notFound)
            #expect(try await client.call(.delete, "/api/v1/accounts/acme/visitors/bad", key: app.acmeAdmin).status == .badRequest)
        }
    }
}
