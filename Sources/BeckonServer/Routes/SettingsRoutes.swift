import BeckonAPI
import BeckonCore
import Foundation
import Hummingbird

/// `GET/PATCH /api/v1/accounts/{accountId}/settings` (SPEC §8a). PATCH is a JSON Merge Patch
/// (`MergePatch`): `{"caps": {"perVisit": 2}}` changes only that cap, and `null` on a cap or an
/// abuse limit means unlimited.
///
/// Written by hand rather than generated: `null` is a value in these answers ("unlimited") and
/// generated code leaves a nil optional out of its JSON. The request is still decoded by the
/// generated `AccountSettingsPatch`, so the document alone decides which fields exist, and the
/// answers are checked against the document by the schemathesis step of `scripts/test`.
struct SettingsRoutes {
    let accounts: any AccountRepository

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("settings") { _, context in
            let principal = try context.requireAuthenticated()
            return JSONBody(value: try await settings(principal.accountId))
        }
        group.patch("settings") { request, context in
            let principal = try context.require(.campaignsWrite)
            let current = try await settings(principal.accountId)
            let patch = try await StrictJSON.object(from: request, context: context)
            let updated = try Representation.decode(
                AccountSettings.self, from: MergePatch.apply(patch, to: try Representation.object(current)))
            // Core's checks first (they say what a value may be), then the document's (which
            // fields exist at all).
            try updated.validate()
            _ = try Representation.decode(Components.Schemas.AccountSettingsPatch.self, from: patch)
            try await accounts.updateSettings(accountId: principal.accountId, updated)
            return JSONBody(value: updated)
        }
    }

    private func settings(_ account: AccountID) async throws -> AccountSettings {
        guard let settings = try await accounts.settings(accountId: account) else {
            throw BeckonError.unknownAccount(account.rawValue)
        }
        return settings
    }
}
