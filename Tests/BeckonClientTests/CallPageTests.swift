import BeckonCallPage
import BeckonClient
import BeckonCore
import BeckonTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Synchronization
import Testing

/// The reference call page against a running Beckon: the click, the number and consent, the
/// dialer, the statuses reported back.
@Suite struct CallPageTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// A running Beckon with a clicked visit, and the call page (with `dialer`) in front of it.
    static func withCallPage(
        dialer: @escaping @Sendable (URL) -> any Dialer,
        _ body: @escaping @Sendable (RunningBeckon, ClickThrough, String, any TestClientProtocol, URL) async throws -> Void
    ) async throws {
        try await RunningBeckon.with { beckon in
            let clickURL = try await beckon.clickThroughURL()
            let click = try #require(ClickThrough(url: clickURL))
            let query = try #require(clickURL.query)
            // The call page's own port is only known once it runs; the cloud dialer needs it for callbacks.
            let publicURL = Mutex<URL?>(nil)
            let lateDialer = LateDialer { dialer(publicURL.withLock { $0! }) }
            let page = CallPage(beckon: beckon.client(), dialer: lateDialer)
            let server = Application(router: page.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await server.test(.live) { callPage in
                let url = URL(string: "http://127.0.0.1:\(try #require(callPage.port))")!
                publicURL.withLock { $0 = url }
                try await body(beckon, click, "/call?\(query)", callPage, url)
            }
        }
    }

    static func statuses(_ beckon: RunningBeckon, _ click: ClickThrough) async throws -> [String] {
        try await beckon.storage.journal.events(
            accountId: AccountID(trusted: "acme"), visitorId: click.visitorId, since: .distantPast, limit: 100
        ).compactMap { stored -> String? in
            guard case .attribute(let record)? = VisitJournalEntry(stored.event)?.event, record.attribute.type == "convStatus" else { return nil }
            return record.attribute.fields["status"]?.string
        }
    }

    /// The call page's path for the form of a fresh click-through.
    static func openForm(_ callPage: any TestClientProtocol, _ path: String) async throws -> String {
        let html = String(buffer: try await callPage.execute(uri: path, method: .get).body)
        return "/call/\(try #require(html.range(of: #"action="/call/"#).map { html[$0.upperBound...].prefix(32) }))"
    }

    static func waitForFinal(_ callPage: any TestClientProtocol, _ callPath: String) async throws -> [String: Any] {
        // Generous: the simulated call takes well under a second; a loaded machine may be slow.
        for _ in 0..<1500 {
            let answer = try await callPage.execute(uri: callPath + "/status", method: .get)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: answer.body)) as? [String: Any])
            if json["final"] as? Bool == true { return json }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        Issue.record("the call never ended")
        return [:]
    }

    @Test func aVisitorAsksForACallAndWatchsItToTheEnd() async throws {
        try await Self.withCallPage(dialer: { _ in SimulatedDialer(speed: 0.01) }) { beckon, click, path, callPage, _ in
            let page = try await callPage.execute(uri: path, method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains(#"<label for="phone">Your phone number</label>"#) && html.contains(#"name="consent""#))
            let action = try #require(html.range(of: #"action="/call/"#).map { html[$0.upperBound...].prefix(32) })
            let callPath = "/call/\(action)"
            // Checked before anything is placed: the number's shape, then consent.
            let bad = try await callPage.execute(
                uri: callPath, method: .post, headers: Self.form, body: ByteBuffer(string: "phone=555-CALL-ME&consent=yes"))
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("country code"))
            #expect(String(buffer: bad.body).contains(#"value="555-CALL-ME""#))
            let noConsent = try await callPage.execute(
                uri: callPath, method: .post, headers: Self.form, body: ByteBuffer(string: "phone=%2B1+555+010+0123"))
            #expect(noConsent.status == .badRequest && String(buffer: noConsent.body).contains("agree to be called"))
            #expect(try await Self.statuses(beckon, click).isEmpty)
            let placed = try await callPage.execute(
                uri: callPath, method: .post, headers: Self.form, body: ByteBuffer(string: "phone=%2B1+(555)+010-0123&consent=yes"))
            #expect(placed.status == .seeOther && placed.headers[.location] == callPath)
            // The form sent twice places one call.
            let twice = try await callPage.execute(
                uri: callPath, method: .post, headers: Self.form, body: ByteBuffer(string: "phone=%2B1+(555)+010-0123&consent=yes"))
            #expect(twice.status == .seeOther)
            let final = try await Self.waitForFinal(callPage, callPath)
            #expect(final["status"] as? String == "COMPLETED")
            #expect(try await Self.statuses(beckon, click) == ["REQUESTED", "QUEUED", "RINGING", "CONNECTED", "COMPLETED"])
            let status = try await callPage.execute(uri: callPath, method: .get)
            #expect(String(buffer: status.body).contains("Call completed"))
            // The link was used: opening it again starts nothing.
            #expect(try await callPage.execute(uri: path, method: .get).status == .forbidden)
            #expect(try await callPage.execute(uri: "/call?accountId=acme", method: .get).status == .badRequest)
        }
    }

    @Test func anUnansweredCallEndsAsNoAnswer() async throws {
        try await Self.withCallPage(dialer: { _ in SimulatedDialer(speed: 0.01) }) { beckon, click, path, callPage, _ in
            let callPath = try await Self.openForm(callPage, path)
            _ = try await callPage.execute(
                uri: callPath, method: .post, headers: Self.form, body: ByteBuffer(string: "phone=%2B15550100000&consent=yes"))
            #expect(try await Self.waitForFinal(callPage, callPath)["status"] as? String == "NO_ANSWER")
            #expect(try await Self.statuses(beckon, click).last == "NO_ANSWER")
        }
    }

    @Test func aNumberBeckonRefusesIsNotDialledAndTheVisitorMayTryAnother() async throws {
        let dialer = CountingDialer()
        try await Self.withCallPage(dialer: { _ in dialer }) { beckon, click, path, callPage, _ in
            #expect(try await beckon.admin("POST", "api/v1/accounts/acme/abuse/blocked-numbers", #"{"phoneNumber":"+14155550177"}"#) == 201)
            let callPath = try await Self.openForm(callPage, path)
            let refused = try await callPage.execute(
                uri: callPath, method: .post, headers: Self.form, body: ByteBuffer(string: "phone=%2B1+415+555+0177&consent=yes"))
            let html = String(buffer: refused.body)
            #expect(refused.status == .forbidden && html.contains(#"id="dial-refused""#) && html.contains("We cannot call this number"))
            // The number is not echoed back, nothing was dialled or reported to Beckon.
            // (Not digit fragments: the page's random call id may hold any three digits.)
            #expect(!html.contains("4155550177") && !html.contains("415 555 0177") && !html.contains("555+0177"))
            #expect(dialer.count == 0)
            #expect(try await Self.statuses(beckon, click).isEmpty)
            // The form stays open: another number is authorized and called.
            let placed = try await callPage.execute(
                uri: callPath, method: .post, headers: Self.form, body: ByteBuffer(string: "phone=%2B14155550100&consent=yes"))
            #expect(placed.status == .seeOther && dialer.count == 1)
        }
    }

    @Test func aRefusalForTheVisitorEndsTheCallWithAPlainMessage() async throws {
        let dialer = CountingDialer()
        try await Self.withCallPage(dialer: { _ in dialer }) { beckon, click, path, callPage, _ in
            // No calls left today: nothing another number could change.
            #expect(try await beckon.admin("PATCH", "api/v1/accounts/acme/settings", #"{"abuse":{"dailyCallBudget":0}}"#) == 200)
            let callPath = try await Self.openForm(callPage, path)
            let refused = try await callPage.execute(
                uri: callPath, method: .post, headers: Self.form, body: ByteBuffer(string: "phone=%2B14155550100&consent=yes"))
            #expect(refused.status == .forbidden && String(buffer: refused.body).contains("All our lines are busy"))
            #expect(!String(buffer: refused.body).contains("<form"))
            // Sending the form again changes nothing; the call's page keeps saying why.
            let again = try await callPage.execute(
                uri: callPath, method: .post, headers: Self.form, body: ByteBuffer(string: "phone=%2B14155550100&consent=yes"))
            #expect(again.status == .seeOther)
            #expect(String(buffer: try await callPage.execute(uri: callPath, method: .get).body).contains("All our lines are busy"))
            #expect(dialer.count == 0)
            #expect(try await Self.statuses(beckon, click).isEmpty)
        }
    }

    @Test func theCloudTelephonyAdapterPlacesTheCallAndFollowsItsCallbacks() async throws {
        let provider = TelephonyStandIn()
        let router = Router()
        router.post("Accounts/AC1/Calls.json") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 10_000))
            provider.record(request.headers[.authorization] ?? "", body)
            return Response(status: .created, body: .init(byteBuffer: ByteBuffer(string: #"{"sid":"CA1","status":"queued"}"#)))
        }
        let telephony = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await telephony.test(.live) { providerClient in
            let providerURL = URL(string: "http://127.0.0.1:\(try #require(providerClient.port))")!
            try await Self.withCallPage(dialer: { publicURL in
                CloudTelephonyDialer(
                    baseURL: providerURL, accountId: "AC1", authToken: "secret-token", callerId: "+15550009999", callbackBase: publicURL,
                    connectURL: publicURL.appendingPathComponent("connect"))
            }) { beckon, click, path, callPage, publicURL in
                let id = String(try await Self.openForm(callPage, path).dropFirst("/call/".count))
                _ = try await callPage.execute(
                    uri: "/call/\(id)", method: .post, headers: Self.form, body: ByteBuffer(string: "phone=%2B4930123456789&consent=yes"))
                let (authorization, form) = try #require(provider.requests.first)
                #expect(authorization == "Basic " + Data("AC1:secret-token".utf8).base64EncodedString())
                #expect(form.contains("To=%2B4930123456789") && form.contains("From=%2B15550009999"))
                #expect(
                    form.contains(
                        "StatusCallback=" + CloudTelephonyDialer.formEncode(publicURL.appendingPathComponent("dialer/callback/\(id)").absoluteString))
                )
                // The provider's callbacks drive the statuses Beckon receives.
                for status in ["ringing", "in-progress", "completed"] {
                    let answer = try await callPage.execute(
                        uri: "/dialer/callback/\(id)", method: .post, headers: Self.form, body: ByteBuffer(string: "CallSid=CA1&CallStatus=\(status)")
                    )
                    #expect(answer.status == .noContent)
                }
                #expect(
                    try await callPage.execute(
                        uri: "/dialer/callback/unknown", method: .post, headers: Self.form, body: ByteBuffer(string: "CallStatus=ringing")
                    ).status == .notFound)
                #expect(try await Self.waitForFinal(callPage, "/call/\(id)")["status"] as? String == "COMPLETED")
                #expect(try await Self.statuses(beckon, click) == ["REQUESTED", "RINGING", "CONNECTED", "COMPLETED"])
            }
        }
    }

    @Test func phoneNumbersAreNormalizedToE164() {
        #expect(PhoneNumber.normalize("+1 (555) 010-0123") == "+15550100123")
        #expect(PhoneNumber.normalize("0049 30 123456789") == "+4930123456789")
        #expect(PhoneNumber.normalize("555 0100") == nil)  // no country code
        #expect(PhoneNumber.normalize("+1 555") == nil)  // too short
        #expect(PhoneNumber.normalize("+0 555 010 0123") == nil)
        #expect(PhoneNumber.normalize("+1 555 CALL ME") == nil)
        #expect(PhoneNumber.normalize("+1234567890123456") == nil)  // 16 digits
    }
}

/// Creates the real dialer once the call page's address is known.
final class LateDialer: Dialer, StatusCallbackReceiver, Sendable {
    private let make: @Sendable () -> any Dialer
    private let made = Mutex<(any Dialer)?>(nil)

    init(_ make: @escaping @Sendable () -> any Dialer) { self.make = make }

    var dialer: any Dialer {
        made.withLock { made in
            if let made { return made }
            let dialer = make()
            made = dialer
            return dialer
        }
    }

    func place(_ call: DialRequest, update: @escaping @Sendable (DialEvent) async -> Void) async throws {
        try await dialer.place(call, update: update)
    }

    func callback(callId: String, providerStatus: String) async -> Bool {
        await (dialer as? any StatusCallbackReceiver)?.callback(callId: callId, providerStatus: providerStatus) ?? false
    }
}

/// A dialer that only counts the calls it was asked to place (each ends at once).
final class CountingDialer: Dialer, Sendable {
    private let placed = Mutex(0)
    var count: Int { placed.withLock { $0 } }

    func place(_ call: DialRequest, update: @escaping @Sendable (DialEvent) async -> Void) async throws {
        placed.withLock { $0 += 1 }
        await update(DialEvent(.completed))
    }
}

final class TelephonyStandIn: Sendable {
    private let recorded = Mutex<[(String, String)]>([])
    func record(_ authorization: String, _ body: String) { recorded.withLock { $0.append((authorization, body)) } }
    var requests: [(String, String)] { recorded.withLock { $0 } }
}
