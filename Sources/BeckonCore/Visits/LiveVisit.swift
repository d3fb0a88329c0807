import Foundation

/// One visit as the server holds it while it is live (SPEC §7): its pages, what the page and the
/// brand reported, and every engagement offered in it. Times are epoch milliseconds to keep the
/// value small (SPEC §16 budgets memory per live visit).
package struct LiveVisit: Sendable, Equatable {
    package struct Page: Sendable, Equatable {
        package var id: String
        package var url: String
        package var title: String?
        package var referrer: String?
        package var sections: [String]
        package var startedAt: Int64
    }

    /// One display of one engagement (`contextId` "1", "2", … in the visit).
    package struct Context: Sendable, Equatable {
        package var campaignId: Int64
        package var engagementId: Int64
        package var revision: Int
        package var type: EngagementSettings.Kind
        package var proactive: Bool
        package var placement: EngagementSettings.Placement
        /// The campaign's revision and goal when it was offered (nil when journaled before kept).
        package var campaignRevision: Int?
        package var goal: Goal.Kind?
        package var pageId: String
        package var offeredAt: Int64
        package var displayedAt: Int64?
        package var closedAt: Int64?
        package var clickedAt: Int64?
        /// Set by the click on a Click to Call engagement.
        package var click: ClickRecord?
        /// How many times the brand validated the click.
        package var validations = 0
        /// The current call status the brand reported (`convStatus`), moving forward only.
        package var callStatus: CallStatus?
    }

    package var id: VisitToken
    package var siteId: String
    package var startedAt: Int64
    package var lastActivityAt: Int64
    package var returning: Bool
    package var client: ClientInfo?
    package var language: String?
    /// Most recent last; at most `LiveVisit.maxPages` (older pages stay in the journal).
    package var pages: [Page] = []
    package var pageCount = 0
    /// Every context offered in the visit; `contexts[n - 1]` is context id "n".
    package var contexts: [Context] = []
    /// Engagement attributes as reported, most recent last; at most `maxAttributes`.
    package var attributes: [Reported] = []

    /// An attribute with when, where and by whom it was reported.
    package struct Reported: Sendable, Equatable {
        package var attribute: EngagementAttribute
        package var at: Int64
        package var pageId: String?
        package var source: AttributeRecord.Source
    }
    /// What targeting rules read, kept up to date as attributes arrive.
    package var signals = Signals()
    /// From the first call status or a close request, the brand APIs answer until this plus the
    /// live window (SPEC §7); before that, until the last activity plus the live window.
    package var windowFixedAt: Int64?

    /// Whether the brand APIs still answer for this visit at `now`.
    package func isOpenToBrand(now: Int64, liveWindowMs: Int64) -> Bool {
        now < (windowFixedAt ?? lastActivityAt) + liveWindowMs
    }

    package static let maxPages = 50
    package static let maxAttributes = 50

    package struct Signals: Sendable, Equatable {
        package var cartTotal: Double?
        package var cartDecreased = false
        package var cartEmptied = false
        package var cartProducts: [String] = []
        package var viewedProducts: [String] = []
        package var searchKeywords: [String] = []
        package var marketingSource: String?
        package var customerType: String?
        package var customerStatus: String?
        package var customerBalance: Double?
        package var customerId: String?
        package var age: Int?
        package var gender: String?
        package var language: String?
        package var errors: [String] = []
        package var serviceTopics: [String] = []
    }

    package func context(_ id: String) -> Context? {
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
