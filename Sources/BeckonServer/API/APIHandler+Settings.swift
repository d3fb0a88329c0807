import BeckonAPI
import BeckonCore
import Foundation

/// The account's settings (SPEC §8a). PATCH is a JSON Merge Patch (`MergePatch`):
/// `{"caps": {"perVisit": 2}}` changes only that cap, and `null` on a cap or an abuse limit
/// means unlimited, so the answers write those nulls (`ExplicitNull`).
extension APIHandler {
    func getSettings(_ input: Operations.GetSettings.Input) async throws -> Operations.GetSettings.Output {
        let principal = try OperationContext.requireAuthenticated()
        return .ok(.init(body: .json(try .init(try await settings(principal.accountId)))))
    }

    func updateSettings(_ input: Operations.UpdateSettings.Input) async throws -> Operations.UpdateSettings.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        let current = try await settings(principal.accountId)
        let updated = try Representation.decode(
            AccountSettings.self, from: MergePatch.apply(try OperationContext.jsonObject(), to: try Representation.object(current)))
        try updated.validate()
        try await storage.accounts.updateSettings(accountId: principal.accountId, updated)
        return .ok(.init(body: .json(try .init(updated))))
    }

    private func settings(_ account: AccountID) async throws -> AccountSettings {
        guard let settings = try await storage.accounts.settings(accountId: account) else {
            throw BeckonError.unknownAccount(account.rawValue)
        }
        return settings
    }
}

extension Components.Schemas.AccountSettings {
    init(_ settings: AccountSettings) throws {
        let caps = settings.caps
        let abuse = settings.abuse
        self.init(
            timeZone: settings.timeZone, currency: settings.currency,
            caps: .init(
                mode: try Representation.convert(caps.mode, to: Components.Schemas.Caps.ModePayload.self),
                perVisit: ExplicitNull(caps.perVisit), perVisitChat: ExplicitNull(caps.perVisitChat),
                perVisitContent: ExplicitNull(caps.perVisitContent),
                afterDecline: try Representation.convert(caps.afterDecline, to: Components.Schemas.Caps.AfterDeclinePayload.self),
                perVisitor: ExplicitNull(caps.perVisitor.map { .init(max: $0.max, days: $0.days) })),
            controlGroupPercent: settings.controlGroupPercent,
            crossSessionDays: try Representation.convert(settings.crossSessionDays, to: CrossSessionDaysPayload.self),
            attribution: try Representation.convert(settings.attribution, to: AttributionPayload.self),
            retentionDays: settings.retentionDays,
            abuse: .init(
                clicks: .init(
                    per15Minutes: ExplicitNull(abuse.clicks.per15Minutes), perHour: ExplicitNull(abuse.clicks.perHour),
                    perDay: ExplicitNull(abuse.clicks.perDay)),
                distinctNumbers: .init(
                    perHour: ExplicitNull(abuse.distinctNumbers.perHour), perDay: ExplicitNull(abuse.distinctNumbers.perDay),
                    blockHours: abuse.distinctNumbers.blockHours),
                sameNumber: .init(max: ExplicitNull(abuse.sameNumber.max), hours: abuse.sameNumber.hours),
                allowedCountries: ExplicitNull(abuse.allowedCountries), premiumPrefixes: abuse.premiumPrefixes,
                dailyCallBudget: ExplicitNull(abuse.dailyCallBudget), concurrentCalls: ExplicitNull(abuse.concurrentCalls),
                perAddress: .init(
                    requestsPerMinute: ExplicitNull(abuse.perAddress.requestsPerMinute),
                    newVisitorsPerMinute: ExplicitNull(abuse.perAddress.newVisitorsPerMinute))),
            language: settings.language)
    }
}
