public import Foundation

/// A brand using Beckon: the tenant every other object belongs to.
public struct Account: Hashable, Sendable, Codable {
    public var id: AccountID
    public var name: String
    /// IANA time zone reports are cut in (`America/New_York`).
    public var timeZone: String
    /// ISO 4217 code revenue is reported in (`USD`).
    public var currency: String
    public var createdAt: Date

    public init(id: AccountID, name: String, timeZone: String, currency: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.currency = currency
        self.createdAt = createdAt
    }
}

extension Account {
    public static let defaultTimeZone = "UTC"
    public static let defaultCurrency = "USD"

    /// Checks the fields a caller chose; throws naming the first bad one.
    public static func validate(name: String, timeZone: String, currency: String) throws(BeckonError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            throw .invalidInput(field: "name", reason: "must be 1 to 200 characters")
        }
        guard TimeZone(identifier: timeZone) != nil, timeZone.contains("/") || timeZone == "UTC" else {
            throw .invalidInput(field: "timeZone", reason: "'\(timeZone)' is not an IANA time zone such as America/New_York")
        }
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw .invalidInput(field: "currency", reason: "must be a three-letter ISO 4217 code such as USD")
        }
    }
}
