import Foundation

/// What targeting rules are evaluated against: the facts of the current page view and its
/// visit. The monitoring API fills it from the live visit; tests build it directly.
package struct VisitFacts: Sendable, Equatable {
    package enum Platform: String, Sendable, Codable, CaseIterable {
        case desktop, tablet, mobile
    }

    package var url: String
    package var sections: [String]
    package var platform: Platform
    /// ISO 3166-1 alpha-2, when known (GeoIP).
    package var country: String?
    package var ipAddress: String?
    package var referrer: String?
    package var returning: Bool
    package var language: String?
    /// Page views in this visit, the current one included.
    package var pageCount: Int
    package var secondsOnPage: Double
    /// URLs viewed in this visit, oldest first, the current one included.
    package var visitedURLs: [String]
    package var cartTotal: Double?
    /// The cart's total went down during the visit / the cart was emptied.
    package var cartDecreased: Bool
    package var cartEmptied: Bool
    /// Names or SKUs of products in the cart, and of products viewed in the visit.
    package var cartProducts: [String]
    package var viewedProducts: [String]
    /// Search keywords the visitor arrived with (search engine or site search).
    package var searchKeywords: [String]
    /// Marketing source of the visit (`mrktInfo`), e.g. `newsletter`.
    package var marketingSource: String?
    /// Customer info (`ctmrinfo`).
    package var customerType: String?
    package var customerStatus: String?
    package var customerBalance: Double?
    package var customerId: String?
    /// Personal info (`personal`).
    package var age: Int?
    package var gender: String?
    /// Visitor errors and service activity topics reported in the visit.
    package var errors: [String]
    package var serviceTopics: [String]
    /// What the visitor did with engagements in this visit.
    package var exposedInVisit: Bool
    package var declinedInVisit: Bool
    package var clickedInVisit: Bool
    /// Days since the visitor's last Click to Call status (any visit); nil when never.
    package var daysSinceLastCall: Double?

    package init(
        url: String, sections: [String] = [], platform: Platform = .desktop, country: String? = nil,
        ipAddress: String? = nil, referrer: String? = nil, returning: Bool = false, language: String? = nil,
        pageCount: Int = 1, secondsOnPage: Double = 0, visitedURLs: [String]? = nil, cartTotal: Double? = nil,
        cartDecreased: Bool = false, cartEmptied: Bool = false, cartProducts: [String] = [], viewedProducts: [String] = [],
        searchKeywords: [String] = [], marketingSource: String? = nil, customerType: String? = nil,
        customerStatus: String? = nil, customerBalance: Double? = nil, customerId: String? = nil, age: Int? = nil,
        gender: String? = nil, errors: [String] = [], serviceTopics: [String] = [], exposedInVisit: Bool = false,
        declinedInVisit: Bool = false, clickedInVisit: Bool = false, daysSinceLastCall: Double? = nil
    ) {
        self.url = url
        self.sections = sections
        self.platform = platform
        self.country = country
        self.ipAddress = ipAddress
        self.referrer = referrer
        self.returning = returning
        self.language = language
        self.pageCount = pageCount
        self.secondsOnPage = secondsOnPage
        self.visitedURLs = visitedURLs ?? [url]
        self.cartTotal = cartTotal
        self.cartDecreased = cartDecreased
        self.cartEmptied = cartEmptied
        self.cartProducts = cartProducts
        self.viewedProducts = viewedProducts
        self.searchKeywords = searchKeywords
        self.marketingSource = marketingSource
        self.customerType = customerType
        self.customerStatus = customerStatus
        self.customerBalance = customerBalance
        self.customerId = customerId
        self.age = age
        self.gender = gender
        self.errors = errors
        self.serviceTopics = serviceTopics
        self.exposedInVisit = exposedInVisit
        self.declinedInVisit = declinedInVisit
        self.clickedInVisit = clickedInVisit
        self.daysSinceLastCall = daysSinceLastCall
    }
}
