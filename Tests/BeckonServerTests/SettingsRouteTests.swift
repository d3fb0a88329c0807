import BeckonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct SettingsRouteTests {
    @Test func defaultsMatchTheSpec() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.get, "/api/v1/accounts/acme/settings", key: app.acmeReader)
            #expect(response.status == .ok)
            #expect(try response.decoded(AccountSettings.self) == AccountSettings(timeZone: "UTC", currency: "USD"))
            #expect(response.text.contains(#""perVisitChat":null"#), "unlimited caps are written as null")
            for unset in [#""perVisitor":null"#, #""dailyCallBudget":null"#, #""concurrentCalls":null"#] {
                #expect(response.text.contains(unset), "\(unset) in \(response.text)")
            }
        }
    }

    @Test func patchMergesDeeplyAndNullMeansUnlimited() async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(
                .patch, "/api/v1/accounts/acme/settings", key: app.acmeAdmin,
                json: #"{"timeZone":"America/New_York","caps":{"perVisit":null,"perVisitor":{"max":3,"days":7}},"attribution":"first"}"#)
            #expect(response.status == .ok)
            let settings = try response.decoded(AccountSettings.self)
            #expect(settings.timeZone == "America/New_York")
            #expect(settings.caps.perVisit == nil)
            #expect(settings.caps.afterDecline == .suppressSameKind, "fields not given keep their value")
            #expect(settings.caps.perVisitor == .init(max: 3, days: 7))
            #expect(settings.attribution == .first)
            let read = try await client.call(.get, "/api/v1/accounts/acme/settings", key: app.acmeReader)
            #expect(try read.decoded(AccountSettings.self) == settings)
            #expect(try await app.storage.accounts.account(id: AccountID(trusted: "acme"))?.timeZone == "America/New_York")
            let other = try await client.call(.get, "/api/v1/accounts/globex/settings", key: app.globexAdmin)
            #expect(try other.decoded(AccountSettings.self).attribution == .last, "another account is untouched")
        }
    }

    @Test(arguments: [
        (#"{"caps":{"perVisit":5}}"#, "invalid caps.perVisit: must be 1, 2, 3 or null (unlimited)"),
        (#"{"caps":{"mode":"some"}}"#, "invalid caps.mode:"),
        (#"{"caps":{"colour":1}}"#, "invalid caps.colour: unknown field"),
        (#"{"crossSessionDays":3}"#, "invalid crossSessionDays: unknown value '3'"),
        (#"{"controlGroupPercent":26}"#, "invalid controlGroupPercent: must be 0 to 25"),
        (#"{"retentionDays":0}"#, "invalid retentionDays: must be 1 to 3650"),
        (#"{"timeZone":"Moon/Base"}"#, "invalid timeZone:"),
        (#"{"currency":"dollars"}"#, "invalid currency:"),
        (#"{"attribution":"middle"}"#, "invalid attribution:"),
        (#"{"theme":"dark"}"#, "invalid theme: unknown field"),
    ])
    func refusesInvalidSettingsAndKeepsTheOld(_ json: String, _ message: String) async throws {
        try await TestApp.with { app, client in
            let response = try await client.call(.patch, "/api/v1/accounts/acme/settings", key: app.acmeAdmin, json: json)
            #expect(response.status == .badRequest)
            #expect(response.envelope?.message.hasPrefix(message) == true, "got: \(response.envelope?.message ?? "")")
            #expect(try await app.storage.accounts.settings(accountId: AccountID(trusted: "acme")) == AccountSettings())
        }
    }

    @Test func changingNeedsScopeAndTheRightAccount() async throws {
        try await TestApp.with { app, client in
            let denied = try await client.call(
                .patch, "/api/v1/accounts/acme/settings", key: app.acmeReader, json: #"{"retentionDays":30}"#)
            #expect(denied.status == .forbidden)
            let cross = try await client.call(
                .patch, "/api/v1/accounts/acme/settings", key: app.globexAdmin, json: #"{"retentionDays":30}"#)
            #expect(cross.status == .forbidden)
            #expect(try await app.storage.accounts.settings(accountId: AccountID(trusted: "acme"))?.retentionDays == 90)
        }
    }
}
