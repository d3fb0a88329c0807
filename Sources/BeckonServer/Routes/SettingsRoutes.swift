import BeckonCore
import Foundation
import Hummingbird

/// `GET/PATCH /api/v1/accounts/{accountId}/settings` (SPEC §8a). PATCH merges deeply:
/// `{"caps": {"perVisit": 2}}` changes only that cap, and `null` on a cap means unlimited.
struct SettingsRoutes {
    let accounts: any AccountRepository

    static let fields: Set<String> = [
        "timeZone", "currency", "caps", "controlGroupPercent", "crossSessionDays", "attribution", "retentionDays", "abuse",
        "language",
    ]

    /// The fields of `abuse` and of its objects, so a misspelt limit is refused, not ignored.
    static let abuseFields: [String: Set<String>] = [
        "": Set([
            "clicks", "distinctNumbers", "sameNumber", "allowedCountries", "premiumPrefixes", "dailyCallBudget",
            "concurrentCalls", "perAddress",
        ]),
        "clicks": ["per15Minutes", "perHour", "perDay"],
        "distinctNumbers": ["perHour", "perDay", "blockHours"],
        "sameNumber": ["max", "hours"],
        "perAddress": ["requestsPerMinute", "newVisitorsPerMinute"],
    ]

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("settings") { _, context in
            let principal = try context.requireAuthenticated()
            return JSONBody(value: try await settings(principal.accountId))
        }
        group.patch("settings") { request, context in
            let principal = try context.require(.campaignsWrite)
            let current = try await settings(principal.accountId)
            let changes = try await StrictJSON.object(allowedFields: Self.fields, from: request, context: context)
            if let caps = changes["caps"] as? [String: Any],
                let unknown = caps.keys.sorted().first(where: { AccountSettings.Caps.CodingKeys(rawValue: $0) == nil })
            {
                throw BeckonError.invalidInput(field: "caps.\(unknown)", reason: "unknown field")
            }
            if let abuse = changes["abuse"] {
                guard let abuse = abuse as? [String: Any] else {
                    throw BeckonError.invalidInput(field: "abuse", reason: "must be an object")
                }
                for key in abuse.keys.sorted() {
                    guard Self.abuseFields[""]!.contains(key) else {
                        throw BeckonError.invalidInput(field: "abuse.\(key)", reason: "unknown field")
                    }
                    if let allowed = Self.abuseFields[key], let inner = abuse[key] as? [String: Any],
                        let unknown = inner.keys.sorted().first(where: { !allowed.contains($0) })
                    {
                        throw BeckonError.invalidInput(field: "abuse.\(key).\(unknown)", reason: "unknown field")
                    }
                }
            }
            let currentObject = try JSONSerialization.jsonObject(with: JSONBody<AccountSettings>.encoder.encode(current))
            let merged = JSONMerge.deep(currentObject as? [String: Any] ?? [:], changes)
            let updated = try StrictJSON.decode(AccountSettings.self, from: try JSONSerialization.data(withJSONObject: merged))
            try updated.validate()
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

enum JSONMerge {
    /// `changes` laid over `current`: objects merge key by key, anything else (null included)
    /// replaces.
    static func deep(_ current: [String: Any], _ changes: [String: Any]) -> [String: Any] {
        var result = current
        for (key, value) in changes {
            if let inner = value as? [String: Any], let existing = current[key] as? [String: Any] {
                result[key] = deep(existing, inner)
            } else {
                result[key] = value
            }
        }
        return result
    }
}
