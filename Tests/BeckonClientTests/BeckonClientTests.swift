import BeckonClient
import BeckonTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
import BeckonCore
#endif

/// The brand SDK against a running Beckon (a real server on a free port; no mocks of Beckon).
@Suite struct BeckonClientTests {
    @Test func aClickValidatesOnceAndItsTokenVerifiesOnlineAndOffline() async throws {
        try await RunningBeckon.with { beckonServer in
            let beckon = beckonServer.client()
            let click = try await beckonServer.click()
            #expect(click.accountId == "acme" && click.engagementRevision == 1)
            let first = try await beckon.validate(click)
            #expect(first.valid && first.validationsLeft == 0)
            let again = try await beckon.validate(click)
            #expect(!again.valid && again.reason != nil)
            // Offline: the published keys verify the token's signature and claims.
            let verifier = ClickTokenVerifier(accountId: "acme", keys: try await beckon.clickKeys())
            let claims = try verifier.verify(click.token, click: click)
            #expect(claims.contextId == click.contextId && claims.visitorId == click.visitorId)
            var tampered = click
            tampered.contextId = "99"
            #expect(throws: ClickTokenVerifier.Failure.doesNotMatchClick) { try verifier.verify(click.token, click: tampered) }
            #expect(throws: ClickTokenVerifier.Failure.badSignature) { try verifier.verify(TamperedToken.flippingSignatureBit(click.token)) }
            #expect(throws: ClickTokenVerifier.Failure.otherAccount) {
                try ClickTokenVerifier(accountId: "globex", keys: verifier.keys).verify(click.token)
            }
            #expect(throws: ClickTokenVerifier.Failure.expired) { try verifier.verify(click.token, now: Date().addingTimeInterval(3600)) }
        }
    }

    @Test func theOnlineTokenCheckCountsAsTheValidation() async throws {
        try await RunningBeckon.with { beckonServer in
            let beckon = beckonServer.client()
            let click = try await beckonServer.click()
            let check = try await beckon.verify(click)
            #expect(check.valid && check.claims?.contextId == click.contextId)
            #expect(try await beckon.validate(click).valid == false)
        }
    }

    @Test func aDialIsAuthorizedOnceAndRefusalsAreAnswersNotErrors() async throws {
        try await RunningBeckon.with { beckonServer in
            let beckon = beckonServer.client()
            let click = try await beckonServer.click()
            let allowed = try await beckon.authorizeDial(for: click, phoneNumber: "+1 415 555 0100")
            #expect(allowed.allowed && allowed.authorizationId != nil && allowed.country == "US" && allowed.refusal == nil)
            // The same click and number: the same authorization, not a second dial.
            #expect(try await beckon.authorizeDial(for: click, phoneNumber: "+14155550100").authorizationId == allowed.authorizationId)
            // A number that asked never to be called: refused, with a reason the page can explain.
            #expect(try await beckonServer.admin("POST", "api/v1/accounts/acme/abuse/blocked-numbers", #"{"phoneNumber":"+14155550177"}"#) == 201)
            let refused = try await beckon.authorizeDial(for: click, phoneNumber: "+14155550177")
            #expect(!refused.allowed && refused.refusal == .numberBlocked && refused.reason == "numberBlocked")
            #expect(refused.refusal?.anotherNumberMayWork == true && !refused.refusal!.visitorMessage.contains("0177"))
            // A click never made is refused as such.
            var forged = click
            forged.contextId = "999"
            #expect(try await beckon.authorizeDial(for: forged, phoneNumber: "+14155550100").refusal == .notClicked)
            // Malformed numbers are the request's fault: 400 naming the field, never retried.
            do {
                _ = try await beckon.authorizeDial(for: click, phoneNumber: "call me")
                Issue.record("a malformed number was answered")
            } catch BeckonClientError.refused(let status, let message) {
                #expect(status == 400 && message.contains("phoneNumber") && !message.contains("call me"))
            }
            // A key without the scope is refused outright (a 403 that is not a dial refusal).
            let reader = try await beckonServer.key(scopes: [.reportsRead])
            let readOnly = BeckonClient(baseURL: beckon.baseURL, accountId: "acme", credentials: .bearer(reader.bearer), retry: .none)
            do {
                _ = try await readOnly.authorizeDial(for: click, phoneNumber: "+14155550100")
                Issue.record("a key without engagement:validate was answered")
            } catch BeckonClientError.refused(let status, _) {
                #expect(status == 401, "LivePerson's code for a key without the scope")
            }
        }
    }

    @Test func oauth1SigningIsAcceptedAndTheVisitReadsForTheAgent() async throws {
        try await RunningBeckon.with { beckonServer in
            let beckon = beckonServer.client(oauth: true)
            let click = try await beckonServer.click()
            let visit = try await beckon.visitInformation(visitorId: click.visitorId, sessionId: click.sessionId, forAgent: true)
            #expect(visit.pages.first?.url == "https://www.acme.example/product/42")
            // A wrong secret is refused.
            let wrong = BeckonClient(
                baseURL: beckon.baseURL, accountId: "acme",
                credentials: .oauth1(
                    consumerKey: beckonServer.admin.oauth1.consumerKey, consumerSecret: "nope", token: beckonServer.admin.oauth1.token,
                    tokenSecret: "nope"),
                retry: .init(retries: 3, initialDelay: 0.01))
            await #expect(throws: BeckonClientError.refused(status: 401, message: "OAuth signature does not match")) {
                _ = try await wrong.visitInformation(visitorId: click.visitorId, sessionId: click.sessionId)
            }
        }
    }

    @Test func callStatusesAndAttributesReachTheVisitAndTheVisitCloses() async throws {
        try await RunningBeckon.with { beckonServer in
            let beckon = beckonServer.client()
            let click = try await beckonServer.click()
            for status in [BeckonClient.CallStatus.requested, .ringing, .connected] { try await beckon.reportCallStatus(for: click, status) }
            try await beckon.reportCallStatus(for: click, .completed, disposition: "sale")
            try await beckon.reportAttributes(visitorId: click.visitorId, sessionId: click.sessionId, [.lead(topic: "home insurance", leadId: "L-1")])
            // A status the brand does not document is refused (4xx), and not retried.
            await #expect(throws: BeckonClientError.self) {
                try await beckon.reportAttributes(
                    visitorId: click.visitorId, sessionId: click.sessionId,
                    [Attribute(["type": "convStatus", "contextId": click.contextId, "status": "DIALLING"])])
            }
            let visit = try await beckon.visitInformation(visitorId: click.visitorId, sessionId: click.sessionId)
            #expect(visit.leads.first?["topic"] as? String == "home insurance")
            let status = try #require(visit[section: "conversationStatus"])
            #expect("\(status)".contains("COMPLETED"))
            try await beckon.close(visitorId: click.visitorId, sessionId: click.sessionId)
            // After a close the brand APIs answer for six more hours, then no more.
            try await beckon.reportCallStatus(for: click, .completed, disposition: "sale")
            beckonServer.clock.advance(by: 6 * 3600 + 1)
            do {
                try await beckon.reportCallStatus(for: click, .completed)
                Issue.record("a closed visit took a report")
            } catch let BeckonClientError.refused(status, _) {
                #expect(status == 404)
            }
        }
    }

    @Test func fiveHundredsAreRetriedThreeTimesAndFourHundredsNever() async throws {
        // A stand-in for an overloaded Beckon (503) and for one refusing a request (400), counting requests.
        let attempts = Counter()
        let refusals = Counter()
        let router = Router()
        router.get("api/account/acme/clicktocall/keys") { _, _ -> Response in
            attempts.increment()
            return Response(status: .serviceUnavailable)
        }
        router.post("api/account/acme/clicktocall/tokens/verify") { _, _ -> Response in
            refusals.increment()
            return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: #"{"message":"no"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { http in
            let port = try #require(http.port)
            let beckon = BeckonClient(
                baseURL: URL(string: "http://127.0.0.1:\(port)")!, accountId: "acme", credentials: .bearer("x"),
                retry: .init(retries: 3, initialDelay: 0.01))
            await #expect(throws: BeckonClientError.unavailable(status: 503, message: "")) { _ = try await beckon.clickKeys() }
            #expect(attempts.value == 4)
            await #expect(throws: BeckonClientError.refused(status: 400, message: "no")) { _ = try await beckon.verify(token: "x") }
            #expect(refusals.value == 1)
            let unreachable = BeckonClient(
                baseURL: URL(string: "http://127.0.0.1:9")!, accountId: "acme", credentials: .bearer("x"), timeout: 1,
                retry: .init(retries: 1, initialDelay: 0.01))
            await #expect(throws: BeckonClientError.self) { _ = try await unreachable.clickKeys() }
        }
    }

    @Test func answersAreReadAsTheDocumentSaysAndASlowServerTimesOut() async throws {
        // A stand-in Beckon whose answers are wrong (a validation without a boolean), newer than
        // this client (a refusal reason it does not know) and late (after the attempt's timeout).
        let router = Router()
        let click = ClickThrough(
            accountId: "acme", visitorId: "v", sessionId: "s", campaignId: 7, engagementId: 11, engagementRevision: 1,
            contextId: "1", token: "a.b.c")
        router.get("api/account/acme/monitoring/visitors/v/visits/current/campaigns/7/engagements/11/contexts/1") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"valid":"yes","validationsLeft":null}"#)))
        }
        router.post("api/account/acme/clicktocall/dial-authorizations") { _, _ in
            Response(status: .forbidden, body: .init(byteBuffer: ByteBuffer(string: #"{"allowed":false,"reason":"aNewReason"}"#)))
        }
        let answerLateKeys = Counter()  // nonzero: the late answer may go
        router.get("api/account/acme/clicktocall/keys") { _, _ -> Response in
            while answerLateKeys.value == 0 { try await Task.sleep(for: .milliseconds(10)) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"keys":[]}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { http in
            let port = try #require(http.port)
            let beckon = BeckonClient(
                baseURL: URL(string: "http://127.0.0.1:\(port)")!, accountId: "acme", credentials: .bearer("x"), timeout: 0.2,
                retry: .init(retries: 1, initialDelay: 0.01))
            do {
                _ = try await beckon.validate(click)
                Issue.record("an answer against the document was taken")
            } catch let BeckonClientError.malformed(reason) {
                #expect(reason.contains("valid"))
            }
            let dial = try await beckon.authorizeDial(for: click, phoneNumber: "+14155550123")
            #expect(!dial.allowed && dial.reason == "aNewReason" && dial.refusal == nil)
            do {
                _ = try await beckon.clickKeys()
                Issue.record("a late answer was waited for")
            } catch let BeckonClientError.unreachable(reason) {
                #expect(reason.contains("no answer within 0.2 s"))
            }
            answerLateKeys.increment()
        }
    }

    @Test func aClickThroughIsReadFromTheBrandPagesURL() throws {
        let url = URL(
            string:
                "https://brand.example/call?src=x&accountId=acme&visitorId=v&sessionId=s&campaignId=7&engagementId=11&engagementRevision=2&contextId=1&token=a.b.c"
        )!
        let click = try #require(ClickThrough(url: url))
        #expect(click.campaignId == 7 && click.engagementRevision == 2 && click.token == "a.b.c")
        #expect(ClickThrough(url: URL(string: "https://brand.example/call?accountId=acme")!) == nil)
        #expect(ClickThrough(query: ["accountId": "acme", "visitorId": "v", "sessionId": "s", "campaignId": "x"]) == nil)
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
