import BeckonCore
import BeckonTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BeckonServer

/// Authentication state kept in storage (SPEC §13a): it holds across a restart of the app on the
/// same database, and parallel requests count.
@Suite struct AuthStateRouteTests {
    /// An `Authorization: OAuth …` header for `GET http://localhost{path}` (the router tests'
    /// authority), signed with `key`.
    static func oauth(_ key: IssuedAPIKey, path: String, nonce: String, at date: Date) -> String {
        let oauth = [
            ("oauth_consumer_key", key.oauth1.consumerKey), ("oauth_token", key.oauth1.token),
            ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", String(Int(date.timeIntervalSince1970))),
            ("oauth_nonce", nonce), ("oauth_version", "1.0"),
        ]
        let base = OAuth1.baseString(method: "GET", baseURL: "http://localhost" + path, parameters: oauth)
        let signature = OAuth1.signature(baseString: base, consumerSecret: key.oauth1.consumerSecret, tokenSecret: key.oauth1.tokenSecret)
        return "OAuth " + (oauth + [("oauth_signature", signature)]).map { "\($0.0)=\"\(OAuth1.percentEncode($0.1))\"" }.joined(separator: ", ")
    }

    static func get(_ client: some TestClientProtocol, _ path: String, authorization: String) async throws -> TestResponse {
        try await client.execute(uri: path, method: .get, headers: [.authorization: authorization])
    }

    @Test func aReplayedOAuthNonceIsRefusedEvenAfterARestart() async throws {
        try await TestApp.with { app, client in
            let path = "/api/v1/accounts/acme/campaigns"
            let signed = Self.oauth(app.acmeAdmin, path: path, nonce: "n-\(UUID().uuidString)", at: app.clock.now())
            let first = try await Self.get(client, path, authorization: signed)
            #expect(first.status == .ok, "\(first.text)")
            let replay = try await Self.get(client, path, authorization: signed)
            #expect(replay.status == .unauthorized && replay.envelope?.message == "OAuth nonce already used")
            // The same application rebuilt on the same database (a restart, or another node).
            try await app.restarted().test(.router) { (again: any TestClientProtocol) async throws -> Void in
                #expect(try await Self.get(again, path, authorization: signed).status == .unauthorized)
                let fresh = Self.oauth(app.acmeAdmin, path: path, nonce: "n-\(UUID().uuidString)", at: app.clock.now())
                #expect(try await Self.get(again, path, authorization: fresh).status == .ok)
            }
            let long = Self.oauth(app.acmeAdmin, path: path, nonce: String(repeating: "n", count: 129), at: app.clock.now())
            #expect(try await Self.get(client, path, authorization: long).status == .unauthorized)
        }
    }

    @Test func twentyParallelWrongPasswordsAreEvaluatedOnlyFiveTimes() async throws {
        try await TestApp.with { app, client in
            let user = try await app.provisioning.createUser(accountId: "acme", email: "boss@acme.example", role: "admin")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 { group.addTask { try await client.signIn("boss@acme.example", "not-the-password").status } }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 15)
            // The lock is in storage: a restarted app still refuses, even the right password.
            try await app.restarted().test(.router) { (again: any TestClientProtocol) async throws -> Void in
                #expect(try await again.signIn("boss@acme.example", user.password).status == .tooManyRequests)
            }
            app.clock.advance(by: 15 * 60)
            #expect(try await client.signIn("boss@acme.example", user.password).status == .ok)
            // A right password takes its attempt back: five more wrong ones are still evaluated.
            for _ in 0..<4 { #expect(try await client.signIn("boss@acme.example", "wrong").status == .unauthorized) }
            #expect(try await client.signIn("boss@acme.example", user.password).status == .ok)
            for _ in 0..<5 { #expect(try await client.signIn("boss@acme.example", "wrong").status == .unauthorized) }
            #expect(try await client.signIn("boss@acme.example", "wrong").status == .tooManyRequests)
        }
    }
}
