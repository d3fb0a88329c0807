import Foundation

/// `POST /api/account/{aid}/clicktocall/dial-authorizations` (SPEC §13): may the brand dial this
/// number for this click? The click is checked in memory; everything else is decided by storage
/// in one transaction (`DialPolicy`), so it holds across restarts and nodes. The outcome is
/// journaled with the visit (never the number, only its country).
package struct AuthorizeDial: Sendable {
    package struct Request: Sendable {
        package var accountId: AccountID
        package var visitorId: String
        package var sessionId: String
        package var contextId: String
        package var phoneNumber: PhoneNumber

        package init(accountId: AccountID, visitorId: String, sessionId: String, contextId: String, phoneNumber: PhoneNumber) {
            self.accountId = accountId
            self.visitorId = visitorId
            self.sessionId = sessionId
            self.contextId = contextId
            self.phoneNumber = phoneNumber
        }
    }

    package struct Answer: Sendable, Equatable {
        package var authorizationId: String?
        package var country: String?
        package var refusal: DialRefusal?
        package var retryAfterSeconds: Int?

        package var allowed: Bool { authorizationId != nil }
    }

    let visits: BrandVisits
    let catalog: CampaignCatalog
    let repository: any AbuseRepository
    let hasher: NumberHasher
    let clock: any WallClock

    package init(
        visits: BrandVisits, catalog: CampaignCatalog, repository: any AbuseRepository, hasher: NumberHasher, clock: any WallClock
    ) {
        self.visits = visits
        self.catalog = catalog
        self.repository = repository
        self.hasher = hasher
        self.clock = clock
    }

    package func callAsFunction(_ request: Request) async throws -> Answer {
        let number = request.phoneNumber
        guard
            let context = try await visits.clickedContext(
                accountId: request.accountId, visitorId: request.visitorId, sessionId: request.sessionId,
                contextId: request.contextId),
            let visitorId = VisitToken(request.visitorId), let sessionId = VisitToken(request.sessionId)
        else {
            // No visit of this visitor to journal it in: the click is not one Beckon gave out.
            return Answer(country: number.country, refusal: .notClicked)
        }
        let index = try await catalog.index(for: request.accountId)
        let settings = index.settings
        let now = clock.now()
        let attempt = DialAttempt(
            accountId: request.accountId, visitorId: request.visitorId, sessionId: request.sessionId,
            contextId: request.contextId, numberHashes: try await hasher.hashes(of: number, accountId: request.accountId),
            country: number.country, premiumPrefix: settings.abuse.premiumPrefixes.contains(where: number.hasPrefix), at: now,
            dayStart: Self.startOfDay(now, timeZone: settings.timeZone), settings: settings.abuse,
            authorizationId: "da_" + RandomToken.make(byteCount: 12))
        let outcome = try await repository.authorize(attempt) { DialPolicy.decide(attempt, facts: $0) }

        var records: [AbuseRecord] = []
        if !outcome.repeated {
            records.append(
                AbuseRecord(
                    action: outcome.allowed ? .dialAuthorized : .dialRefused, reason: outcome.refusal?.rawValue,
                    contextId: request.contextId, campaignId: context.campaignId, authorizationId: outcome.authorizationId,
                    country: number.country))
        }
        if let block = outcome.newBlock {
            records.append(
                AbuseRecord(
                    action: .visitorBlocked, reason: block.reason, contextId: request.contextId, campaignId: context.campaignId,
                    blockId: block.id, until: block.until?.millisecondsSince1970))
        }
        try await visits.recordAbuse(accountId: request.accountId, visitorId: visitorId, sessionId: sessionId, records)
        return Answer(
            authorizationId: outcome.authorizationId, country: number.country, refusal: outcome.refusal,
            retryAfterSeconds: outcome.retryAfterSeconds)
    }

    /// Where the local day of `date` began in `timeZone`.
    static func startOfDay(_ date: Date, timeZone: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        return calendar.startOfDay(for: date)
    }
}

/// Phone numbers in what the brand reports (`personal` SDE contacts), which count toward a
/// visitor's distinct numbers (SPEC §13). Numbers that are not E.164 are left out.
package enum ReportedNumbers {
    package static func phones(in attribute: EngagementAttribute) -> [PhoneNumber] {
        guard attribute.type == "personal" else { return [] }
        let contacts = attribute.fields["personal"]?["contacts"]?.array ?? []
        return contacts.prefix(10).compactMap { contact in
            contact["phone"]?.string.flatMap { try? PhoneNumber($0) }
        }
    }
}
