import Foundation

extension EventKind {
    /// What the abuse defences did (SPEC §13): refused clicks, dial authorizations, blocks and
    /// their lifting. Never a phone number: only its country.
    package static let abuse: EventKind = "abuse"
}

/// One act of the abuse defences, journaled with the visit it concerns (or, for number blocks,
/// with no visitor), so the abuse report and the visitor's history can say what happened.
package struct AbuseRecord: Codable, Sendable, Equatable {
    package enum Action: String, Codable, Sendable, CaseIterable {
        /// An `impAccept` that got no click-through (`reason`: `rateLimited`, `visitorBlocked`).
        case clickRefused
        case dialAuthorized
        /// `reason` is a `DialRefusal`.
        case dialRefused
        case visitorBlocked
        /// A number was added to the account's blocked numbers.
        case numberBlocked
        case blockLifted
    }

    package var action: Action
    package var reason: String?
    package var contextId: String?
    package var campaignId: Int64?
    package var authorizationId: String?
    package var country: String?
    package var blockId: String?
    /// Until when a block holds (epoch ms); nil for a permanent one.
    package var until: Int64?
    /// Who lifted a block (a key id or a console user id).
    package var by: String?

    package init(
        action: Action, reason: String? = nil, contextId: String? = nil, campaignId: Int64? = nil,
        authorizationId: String? = nil, country: String? = nil, blockId: String? = nil, until: Int64? = nil,
        by: String? = nil
    ) {
        self.action = action
        self.reason = reason
        self.contextId = contextId
        self.campaignId = campaignId
        self.authorizationId = authorizationId
        self.country = country
        self.blockId = blockId
        self.until = until
        self.by = by
    }
}
