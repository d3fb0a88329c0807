import Foundation

extension EventKind {
    /// What the abuse defences did (SPEC §13): refused clicks, dial authorizations, blocks and
    /// their lifting. Never a phone number: only its country.
    public static let abuse: EventKind = "abuse"
}

/// One act of the abuse defences, journaled with the visit it concerns (or, for number blocks,
/// with no visitor), so the abuse report and the visitor's history can say what happened.
public struct AbuseRecord: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable, CaseIterable {
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

    public var action: Action
    public var reason: String?
    public var contextId: String?
    public var campaignId: Int64?
    public var authorizationId: String?
    public var country: String?
    public var blockId: String?
    /// Until when a block holds (epoch ms); nil for a permanent one.
    public var until: Int64?
    /// Who lifted a block (a key id or a console user id).
    public var by: String?

    public init(
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
