import Foundation

/// One visit as the server holds it while it is live (SPEC §7): its pages, what the page and the
/// brand reported, and every engagement offered in it. Times are epoch milliseconds to keep the
/// value small (SPEC §16 budgets memory per live visit).
public struct LiveVisit: Sendable, Equatable {
    public struct Page: Sendable, Equatable {
        public var id: String
        public var url: String
        public var title: String?
        public var referrer: String?
        public var sections: [String]
        public var startedAt: Int64
    }

    /// One display of one engagement (`contextId` "1", "2", … in the visit).
    public struct Context: Sendable, Equatable {
        public var campaignId: Int64
        public var engagementId: Int64
        public var revision: Int
        public var type: EngagementSettings.Kind
        public var proactive: Bool
        public var placement: EngagementSettings.Placement
        /// The campaign's revision and goal when it was offered (nil when journaled before kept).
        public var campaignRevision: Int?
        public var goal: Goal.Kind?
        public var pageId: String
        public var offeredAt: Int64
        public var displayedAt: Int64?
        public var closedAt: Int64?
        public var clickedAt: Int64?
        /// Set by the click on a Click to Call engagement.
        public var click: ClickRecord?
        /// How many times the brand validated the click.
        public var validations = 0
        /// The current call status the brand reported (`convStatus`), moving forward only.
        public var callStatus: CallStatus?
    }

    public var id: VisitToken
    public var siteId: String
    public var startedAt: Int64
    public var lastActivityAt: Int64
    public var returning: Bool
    public var client: ClientInfo?
    public var language: String?
    /// Most recent last; at most `LiveVisit.maxPages` (older pages stay in the journal).
    public var pages: [Page] = []
    public var pageCount = 0
    /// Every context offered in the visit; `contexts[n - 1]` is context id "n".
    public var contexts: [Context] = []
    /// Engagement attributes as reported, most recent last; at most `maxAttributes`.
    public var attributes: [Reported] = []

    /// An attribute with when, where and by whom it was reported.
    public struct Reported: Sendable, Equatable {
        public var attribute: EngagementAttribute
        public var at: Int64
        public var pageId: String?
        public var source: AttributeRecord.Source
    }
    /// What targeting rules read, kept up to date as attributes arrive.
    public var signals = Signals()
    /// From the first call status or a close request, the brand APIs answer until this plus the
    /// live window (SPEC §7); before that, until the last activity plus the live window.
    public var windowFixedAt: Int64?

    /// Whether the brand APIs still answer for this visit at `now`.
    public func isOpenToBrand(now: Int64, liveWindowMs: Int64) -> Bool {
        now < (windowFixedAt ?? lastActivityAt) + liveWindowMs
    }

    public static let maxPages = 50
    public static let maxAttributes = 50

    public struct Signals: Sendable, Equatable {
        public var cartTotal: Double?
        public var cartDecreased = false
        public var cartEmptied = false
        public var cartProducts: [String] = []
        public var viewedProducts: [String] = []
        public var searchKeywords: [String] = []
        public var marketingSource: String?
        public var customerType: String?
        public var customerStatus: String?
        public var customerBalance: Double?
        public var customerId: String?
        public var age: Int?
        public var gender: String?
        public var language: String?
        public var errors: [String] = []
        public var serviceTopics: [String] = []
    }

    public func context(_ id: String) -> Context? {
        guard let index = Int(id), index >= 1, index <= contexts.count else { return nil }
        return contexts[index - 1]
    }

    var currentPage: Page? { pages.last }

    func page(_ id: String) -> Page? { pages.last { $0.id == id } }

    /// Proactive offers in this visit, for the per-visit caps.
    func proactiveOffers(chat: Bool?) -> Int {
        contexts.reduce(0) { count, context in
            guard context.proactive else { return count }
            if let chat, context.type.isChat != chat { return count }
            return count + 1
        }
    }

    func declined(chat: Bool?) -> Bool {
        contexts.contains { context in
            context.closedAt != nil && context.clickedAt == nil && (chat == nil || context.type.isChat == chat)
        }
    }
}
