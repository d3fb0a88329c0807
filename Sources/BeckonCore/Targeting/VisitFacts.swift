import Foundation

/// What targeting rules are evaluated against: the facts of the current page view and its
/// visit. The monitoring API fills it from the live visit; tests build it directly.
public struct VisitFacts: Sendable, Equatable {
    public enum Platform: String, Sendable, Codable, CaseIterable {
        case desktop, tablet, mobile
    }

    public var url: String
    public var sections: [String]
    public var platform: Platform
    /// ISO 3166-1 alpha-2, when known (GeoIP).
    public var country: String?
    public var ipAddress: String?
    public var referrer: String?
    public var returning: Bool
    public var language: String?
    /// Page views in this visit, the current one included.
    public var pageCount: Int
    public var secondsOnPage: Double
    /// URLs viewed in this visit, oldest first, the current one included.
    public var visitedURLs: [String]
    public var cartTotal: Double?

    public init(
        url: String, sections: [String] = [], platform: Platform = .desktop, country: String? = nil,
        ipAddress: String? = nil, referrer: String? = nil, returning: Bool = false, language: String? = nil,
        pageCount: Int = 1, secondsOnPage: Double = 0, visitedURLs: [String]? = nil, cartTotal: Double? = nil
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
    }
}
