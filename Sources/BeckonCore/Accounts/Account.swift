package import Foundation

/// A brand using Beckon: the tenant every other object belongs to.
package struct Account: Hashable, Sendable, Codable {
    package var id: AccountID
    package var name: String
    /// IANA time zone reports are cut in (`America/New_York`).
    package var timeZone: String
    /// ISO 4217 code revenue is reported in (`USD`).
    package var currency: String
    package var createdAt: Date

    package init(id: AccountID, name: String, timeZone: String, currency: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.currency = currency
        self.createdAt = createdAt
    }
}

extension Account {
    package static let defaultTimeZone = "UTC"
    package static let defaultCurrency = "USD"

    /// Checks the fields a caller chose; throws naming the first bad one.
    package static func validate(name: String, timeZone: String, currency: String) throws(BeckonError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.unicodeScalars.count <= 200 else {
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
