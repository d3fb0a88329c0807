import BeckonCore
import Foundation
import Testing

/// The rules a delivery follows (SPEC §12): the retry schedule with its jitter, what each answer
/// means, `Retry-After`, and which destinations the egress rules refuse.
@Suite struct WebhookDeliveryRulesTests {
    static let now = Date(millisecondsSince1970: 1_790_000_000_000)

    static func after(_ status: Int?, attempt: Int, retryAfter: String? = nil, random: Double = 0) -> WebhookDecision {
        WebhookRetryPolicy(random: { random }).decide(
            after: WebhookSendOutcome(statusCode: status, retryAfter: retryAfter, latencyMillis: 1), attempt: attempt, now: now)
    }

    @Test func theScheduleIsTheSpecificationsWithUpToTenPercentJitter() {
        let waits: [TimeInterval] = [0, 5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000]
        for (index, wait) in waits.enumerated() {
            #expect(Self.after(500, attempt: index + 1) == .retry(at: Self.now.addingTimeInterval(wait)))
            #expect(Self.after(nil, attempt: index + 1, random: 0.999) == .retry(at: Self.now.addingTimeInterval(wait * 1.0999)))
        }
        #expect(Self.after(500, attempt: 10) == .retry(at: Self.now.addingTimeInterval(86_400)))
        #expect(Self.after(500, attempt: 11) == .givenUp)
        #expect(WebhookRetryPolicy.maximumAttempts == 11)
    }

    @Test func twoHundredsDeliverRedirectsFailAndGoneDisables() {
        for status in [200, 201, 204, 299] { #expect(Self.after(status, attempt: 1) == .delivered) }
        for status in [301, 302, 307, 400, 404, 500, 502] { #expect(Self.after(status, attempt: 1) == .retry(at: Self.now)) }
        #expect(Self.after(410, attempt: 1) == .gone)
    }

    @Test func tooManyRequestsAndUnavailableWaitWhatRetryAfterSays() {
        #expect(Self.after(429, attempt: 1, retryAfter: "120") == .retry(at: Self.now.addingTimeInterval(120)))
        #expect(Self.after(503, attempt: 3, retryAfter: "7") == .retry(at: Self.now.addingTimeInterval(7)))
        // An HTTP date, and a wait beyond a day (bounded).
        #expect(
            Self.after(503, attempt: 1, retryAfter: "Mon, 21 Sep 2026 15:13:20 GMT") == .retry(at: Self.now.addingTimeInterval(3600)))
        #expect(Self.after(429, attempt: 1, retryAfter: "9999999") == .retry(at: Self.now.addingTimeInterval(86_400)))
        // Without one, or unreadable, the schedule.
        #expect(Self.after(429, attempt: 2, retryAfter: "soon") == .retry(at: Self.now.addingTimeInterval(5)))
        // Elsewhere Retry-After means nothing.
        #expect(Self.after(500, attempt: 2, retryAfter: "600") == .retry(at: Self.now.addingTimeInterval(5)))
    }

    @Test(arguments: [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
        "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "ff02::1", "2001:db8::1",
    ])
    func privateAndReservedAddressesAreRefused(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(!address.isPublic)
        #expect(!EgressPolicy().allows(address))
        #expect(EgressPolicy(allowPrivateTargets: true).allows(address))
    }

    @Test(arguments: ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])
    func publicAddressesAreAllowed(_ text: String) throws {
        #expect(try #require(IPAddress(text)).isPublic)
    }

    @Test func urlsAreCheckedWithTheFieldNamed() {
        let strict = EgressPolicy()
        #expect(throws: Never.self) { try strict.check(url: "https://hooks.brand.example/beckon") }
        let refusals: [(String, String)] = [
            ("http://hooks.brand.example/", "must use https"), ("ftp://brand.example/", "must use https"),
            ("hooks.brand.example/x", "absolute"), ("https://user:pw@brand.example/", "user name"),
            ("https://127.0.0.1/hook", "private"), ("https://[::1]:8443/hook", "private"),
            ("https://169.254.169.254/latest/meta-data", "private"),
            ("https://brand.example/" + String(repeating: "a", count: 2100), "2048"),
        ]
        for (url, reason) in refusals {
            #expect {
                try strict.check(url: url)
            } throws: { error in
                guard case BeckonError.invalidInput(let field, let message) = error else { return false }
                return field == "url" && message.contains(reason)
            }
        }
        let open = EgressPolicy(allowPrivateTargets: true, allowHTTP: true)
        #expect(throws: Never.self) { try open.check(url: "http://127.0.0.1:9000/hook") }
    }
}
