import BeckonCore
import Foundation
import HummingbirdTesting
import Testing

@Suite struct ErrorAndHealthTests {
    @Test func healthzAnswersWithoutStorageWork() async throws {
        try await TestApp.with { _, client in
            let response = try await client.call(.get, "/healthz")
            #expect(response.status == .ok)
            #expect(response.text == #"{"status":"ok"}"#)
        }
    }

    @Test func readyzChecksStorageAndFailsWhenItIsGone() async throws {
        try await TestApp.with { app, client in
            #expect(try await client.call(.get, "/readyz").status == .ok)
            try await app.storage.close()
            let response = try await client.call(.get, "/readyz")
            #expect(response.status == .serviceUnavailable)
            #expect(response.envelope?.internalCode == 18)
            #expect(response.envelope?.message == "service unavailable")
        }
    }

    @Test func unknownRouteAnswersLivePersonEnvelope() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.get, "/no/such/thing")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(
                response.envelope
                    == ErrorEnvelope(
                        time: app.clock.now().millisecondsSince1970, message: "no route for GET /no/such/thing",
                        internalCode: 12))
        }
    }

    @Test func metricsCountRequestsByRouteTemplateAndStatus() async throws {
        try await TestApp.with { app, client in
            _ = try await client.call(.get, "/healthz")
            _ = try await client.call(.get, "/api/v1/accounts/acme/sites", key: app.acmeReader)
            _ = try await client.call(.get, "/api/v1/accounts/acme/sites")
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains(#"beckon_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
            #expect(text.contains(#"route="/api/v1/accounts/{accountId}/sites",method="GET",status="200"} 1"#))
            #expect(text.contains(#"status="401"} 1"#))
            #expect(text.contains("beckon_http_request_duration_seconds_bucket"))
            #expect(!text.contains(app.acmeReader.bearer))
        }
    }

    @Test func malformedJSONIsRefusedWithBadRequestCode() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin, json: "{nope")
            #expect(response.status == .badRequest)
            #expect(response.envelope?.internalCode == 5)
            #expect(response.envelope?.message == "invalid body: must be a JSON object")
        }
    }

    @Test func wrongTypeAndUnknownFieldsAreNamed() async throws {
        try await TestApp.with { app, client in
            let wrongType = try await client.call(
                .post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin, json: #"{"allowedOrigins": "https://a.example"}"#)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.envelope?.message == "invalid allowedOrigins: must be an array")
            let unknown = try await client.call(
                .post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin,
                json: #"{"allowedOrigins": ["https://a.example"], "colour": "red"}"#)
            #expect(unknown.status == .badRequest)
            #expect(unknown.envelope?.message.hasPrefix("invalid colour: unknown field") == true)
            let missing = try await client.call(.post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin, json: "{}")
            #expect(missing.envelope?.message == "invalid allowedOrigins: is required")
        }
    }

    @Test func oversizedBodyIsRefusedAndNothingIsStored() async throws {
        try await TestApp.with(maxBodyBytes: 2048) { app, client in
            let origins = (0..<200).map { "\"https://site\($0).example\"" }.joined(separator: ",")
            let response = try await client.call(
                .post, "/api/v1/accounts/acme/sites", key: app.acmeAdmin, json: "{\"allowedOrigins\": [\(origins)]}")
            #expect(response.status == .contentTooLarge)
            #expect(response.envelope?.internalCode == 5)
            #expect(response.envelope?.message == "request body too large")
            #expect(try await app.storage.sites.sites(accountId: AccountID(trusted: "acme")).isEmpty)
        }
    }
}
