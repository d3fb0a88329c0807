package import Foundation

/// The brand checks a click before it dials (SPEC §5): Validate Engagement with the ids the brand
/// page received, or the click token verified online. A valid answer uses one of the click's
/// validations up, durably.
package struct ClickValidations: Sendable {
    /// The answer of Validate Engagement and of the token verification (SPEC §5).
    package struct Validation: Sendable, Equatable {
        package var valid: Bool
        package var reason: String?
        package var clickedAt: Date?
        package var expiresAt: Date?
        /// nil: no limit (the engagement's `maxValidations: null`).
        package var validationsLeft: Int?

        static func invalid(
            _ reason: String, clickedAt: Date? = nil, expiresAt: Date? = nil, validationsLeft: Int? = 0
        ) -> Validation {
            Validation(valid: false, reason: reason, clickedAt: clickedAt, expiresAt: expiresAt, validationsLeft: validationsLeft)
        }
    }

    /// What the brand page received with the click: the ids of SPEC §5.
    package struct ClickContext: Sendable, Equatable {
        package var accountId: AccountID
        package var visitorId: String
        package var sessionId: String
        package var campaignId: Int64
        package var engagementId: Int64
        package var contextId: String

        package init(accountId: AccountID, visitorId: String, sessionId: String, campaignId: Int64, engagementId: Int64, contextId: String) {
            self.accountId = accountId
            self.visitorId = visitorId
            self.sessionId = sessionId
            self.campaignId = campaignId
            self.engagementId = engagementId
            self.contextId = contextId
        }
    }

    let ledger: VisitLedger
    let keyring: ClickKeyring
    let metrics: DomainMetrics

    package init(ledger: VisitLedger, keyring: ClickKeyring, metrics: DomainMetrics = DomainMetrics()) {
        self.ledger = ledger
        self.keyring = keyring
        self.metrics = metrics
    }

    /// Valid only for a context that was clicked in a live visit of that visitor (a display is not
    /// needed: apps report only the click), before the click expires, with validations left (one
    /// by default, so a forwarded or replayed link cannot start a second call; `maxValidations:
    /// null` lifts the limit, as LivePerson has none). A valid answer uses one up, durably.
    package func validate(_ click: ClickContext, method: ValidationRecord.Method) async throws -> Validation {
        let validation = try await checkAndUse(click, method: method)
        metrics.validated(validation.valid)
        return validation
    }

    private func checkAndUse(_ click: ClickContext, method: ValidationRecord.Method) async throws -> Validation {
        guard let visitorId = VisitToken(click.visitorId) else { return .invalid("unknown visitor") }
        guard let sessionId = VisitToken(click.sessionId) else { return .invalid("unknown visit") }
        let moment = try await ledger.moment(click.accountId)
        let key = LiveVisitStore.Key(accountId: click.accountId, visitorId: visitorId)
        let liveWindowMs = ledger.settings.liveWindow.milliseconds
        let nowMs = moment.nowMs
        return try await ledger.mutateVisit(key, at: moment, confirmingRefusals: true) { state -> (Validation, [VisitJournalEntry]) in
            guard let visitor = state else { return (.invalid("unknown visitor"), []) }
            guard let visit = visitor.visit(sessionId), visit.isOpenToBrand(now: nowMs, liveWindowMs: liveWindowMs) else {
                return (.invalid("no live visit with this sid"), [])
            }
            guard let context = visit.context(click.contextId), context.campaignId == click.campaignId,
                context.engagementId == click.engagementId
            else { return (.invalid("this engagement context was not offered in the visit"), []) }
            guard let record = context.click, let clicked = context.clickedAt else {
                return (.invalid("the engagement was not clicked"), [])
            }
            let clickedAt = Date(millisecondsSince1970: clicked)
            let expiresAt = Date(millisecondsSince1970: record.expiresAt)
            let left = record.maxValidations.map { max(0, $0 - context.validations) }
            guard nowMs < record.expiresAt else {
                return (.invalid("the click expired", clickedAt: clickedAt, expiresAt: expiresAt, validationsLeft: left), [])
            }
            guard left.map({ $0 > 0 }) ?? true else {
                return (.invalid("the click was already validated", clickedAt: clickedAt, expiresAt: expiresAt), [])
            }
            var change = VisitChange(key, sessionId: sessionId, at: moment.now, taking: &state)
            change.add(.validation(ValidationRecord(contextId: click.contextId, method: method)))
            let valid = Validation(
                valid: true, reason: nil, clickedAt: clickedAt, expiresAt: expiresAt, validationsLeft: left.map { $0 - 1 })
            return (valid, change.commit(into: &state))
        }
    }

    /// Checks a click token online: its signature with the account's published keys, its
    /// account and expiry, then the click itself as `validate` does (it counts as a validation).
    package func verify(token: String, accountId: AccountID) async throws -> (token: ClickToken?, validation: Validation) {
        let keys = try await keyring.publicKeys(for: accountId)
        let verified: ClickToken
        do {
            verified = try ClickToken.verify(token, publicKeys: keys, accountId: accountId, now: ledger.clock.now())
        } catch {
            let reason: String =
                switch error {
                case .malformed: "the token is malformed"
                case .unknownKey: "the token is not signed with a key of this account"
                case .badSignature: "the token's signature does not verify"
                case .expired: "the token expired"
                case .otherAccount: "the token belongs to another account"
                }
            metrics.validated(false)
            return (nil, .invalid(reason))
        }
        let claims = verified.claims
        let validation = try await validate(
            ClickContext(
                accountId: accountId, visitorId: claims.visitorId, sessionId: claims.sessionId, campaignId: claims.campaignId,
                engagementId: claims.engagementId, contextId: claims.contextId),
            method: .verifyToken)
        return (verified, validation)
    }
}
