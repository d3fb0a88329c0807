import Foundation

/// An account's abuse defences (SPEC §13), `settings.abuse`. Defaults follow Oracle
/// Click-to-Call's published blacklist thresholds; `null` on a limit means unlimited. A field
/// left out keeps its default.
package struct AbuseSettings: Hashable, Sendable, Codable {
    /// Click to Call clicks (`impAccept`s) per visitor, across its visits.
    package struct Clicks: Hashable, Sendable, Codable {
        package var per15Minutes: Int? = 7
        package var perHour: Int? = 9
        package var perDay: Int? = 15

        package init(per15Minutes: Int? = 7, perHour: Int? = 9, perDay: Int? = 15) {
            self.per15Minutes = per15Minutes
            self.perHour = perHour
            self.perDay = perDay
        }

        /// The limits with their windows in milliseconds, shortest first.
        package var windows: [(max: Int, windowMs: Int64)] {
            [(per15Minutes, 900_000), (perHour, 3_600_000), (perDay, 86_400_000)].compactMap { limit, window in
                limit.map { ($0, Int64(window)) }
            }
        }
    }

    /// Distinct phone numbers one visitor may use (dial authorizations and numbers the brand
    /// reported in `personal` SDEs); reaching a limit blocks the visitor for `blockHours`, a
    /// second time for good.
    package struct DistinctNumbers: Hashable, Sendable, Codable {
        package var perHour: Int? = 3
        package var perDay: Int? = 4
        package var blockHours: Int = 24

        package init(perHour: Int? = 3, perDay: Int? = 4, blockHours: Int = 24) {
            self.perHour = perHour
            self.perDay = perDay
            self.blockHours = blockHours
        }
    }

    /// Authorizations of one destination number across all visitors (protects a victim of call
    /// bombing from many bots).
    package struct SameNumber: Hashable, Sendable, Codable {
        package var max: Int? = 3
        package var hours: Int = 6

        package init(max: Int? = 3, hours: Int = 6) {
            self.max = max
            self.hours = hours
        }
    }

    /// Token buckets per client address on the account's public endpoints.
    package struct PerAddress: Hashable, Sendable, Codable {
        package var requestsPerMinute: Int? = 1200
        package var newVisitorsPerMinute: Int? = 120

        package init(requestsPerMinute: Int? = 1200, newVisitorsPerMinute: Int? = 120) {
            self.requestsPerMinute = requestsPerMinute
            self.newVisitorsPerMinute = newVisitorsPerMinute
        }
    }

    /// Prefixes of premium-rate and high-risk destinations (international premium rate, satellite
    /// and international networks, and the premium ranges of common markets); a starting point to
    /// add a market's own to (`docs/abuse.md`).
    package static let defaultPremiumPrefixes = [
        "+979", "+881", "+882", "+883", "+870", "+1900", "+1976", "+4470", "+4487", "+4490", "+4491", "+4498", "+49137",
        "+49900", "+3381", "+3389", "+34803", "+34806", "+34807", "+34905", "+39892", "+39899", "+43900", "+43930",
        "+41900", "+41901", "+41906", "+61190",
    ]

    package var clicks = Clicks()
    package var distinctNumbers = DistinctNumbers()
    package var sameNumber = SameNumber()
    /// ISO 3166-1 codes calls may go to; `null` means any country. Defaults to the country of the
    /// account's time zone (any, for zones of no country such as `UTC`).
    package var allowedCountries: [String]?
    package var premiumPrefixes: [String] = Self.defaultPremiumPrefixes
    /// Dial authorizations per local day of the account; `null` means unlimited.
    package var dailyCallBudget: Int?
    /// Authorized calls not yet finished (no final `convStatus` within two hours); `null` means unlimited.
    package var concurrentCalls: Int?
    package var perAddress = PerAddress()

    package init(
        clicks: Clicks = .init(), distinctNumbers: DistinctNumbers = .init(), sameNumber: SameNumber = .init(),
        allowedCountries: [String]? = nil, premiumPrefixes: [String] = Self.defaultPremiumPrefixes,
        dailyCallBudget: Int? = nil, concurrentCalls: Int? = nil, perAddress: PerAddress = .init()
    ) {
        self.clicks = clicks
        self.distinctNumbers = distinctNumbers
        self.sameNumber = sameNumber
        self.allowedCountries = allowedCountries
        self.premiumPrefixes = premiumPrefixes
        self.dailyCallBudget = dailyCallBudget
        self.concurrentCalls = concurrentCalls
        self.perAddress = perAddress
    }

    /// The defaults for an account in `timeZone`: calls only to its country.
    package static func defaults(timeZone: String) -> AbuseSettings {
        AbuseSettings(allowedCountries: TimeZoneCountry.country(of: timeZone).map { [$0] })
    }

    package func validate() throws(BeckonError) {
        func count(_ field: String, _ value: Int?, _ range: ClosedRange<Int>) throws(BeckonError) {
            if let value, !range.contains(value) {
                throw .invalidInput(field: "abuse.\(field)", reason: "must be \(range.lowerBound) to \(range.upperBound) or null (unlimited)")
            }
        }
        try count("clicks.per15Minutes", clicks.per15Minutes, 1...1000)
        try count("clicks.perHour", clicks.perHour, 1...1000)
        try count("clicks.perDay", clicks.perDay, 1...10_000)
        try count("distinctNumbers.perHour", distinctNumbers.perHour, 1...100)
        try count("distinctNumbers.perDay", distinctNumbers.perDay, 1...100)
        guard (1...8760).contains(distinctNumbers.blockHours) else {
            throw .invalidInput(field: "abuse.distinctNumbers.blockHours", reason: "must be 1 to 8760")
        }
        try count("sameNumber.max", sameNumber.max, 1...1000)
        guard (1...168).contains(sameNumber.hours) else {
            throw .invalidInput(field: "abuse.sameNumber.hours", reason: "must be 1 to 168")
        }
        try count("dailyCallBudget", dailyCallBudget, 0...10_000_000)
        try count("concurrentCalls", concurrentCalls, 0...1_000_000)
        try count("perAddress.requestsPerMinute", perAddress.requestsPerMinute, 10...1_000_000)
        try count("perAddress.newVisitorsPerMinute", perAddress.newVisitorsPerMinute, 1...1_000_000)
        if let countries = allowedCountries {
            guard countries.count <= 300 else { throw .invalidInput(field: "abuse.allowedCountries", reason: "at most 300 countries") }
            for (position, code) in countries.enumerated()
            where code.count != 2 || !code.allSatisfy({ $0.isASCII && $0.isUppercase }) {
                throw .invalidInput(
                    field: "abuse.allowedCountries[\(position)]", reason: "must be an ISO 3166-1 alpha-2 code such as US")
            }
        }
        guard premiumPrefixes.count <= 500 else {
            throw .invalidInput(field: "abuse.premiumPrefixes", reason: "at most 500 prefixes")
        }
        for (position, prefix) in premiumPrefixes.enumerated() {
            let digits = prefix.dropFirst()
            guard prefix.hasPrefix("+"), (1...12).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .invalidInput(field: "abuse.premiumPrefixes[\(position)]", reason: "must be + and 1 to 12 digits, such as +1900")
            }
        }
    }

    package enum CodingKeys: String, CodingKey {
        case clicks, distinctNumbers, sameNumber, allowedCountries, premiumPrefixes, dailyCallBudget, concurrentCalls, perAddress
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = AbuseSettings()
        clicks = try container.decodeIfPresent(Clicks.self, forKey: .clicks) ?? defaults.clicks
        distinctNumbers = try container.decodeIfPresent(DistinctNumbers.self, forKey: .distinctNumbers) ?? defaults.distinctNumbers
        sameNumber = try container.decodeIfPresent(SameNumber.self, forKey: .sameNumber) ?? defaults.sameNumber
        allowedCountries = try container.decodeIfPresent([String].self, forKey: .allowedCountries)
        premiumPrefixes = try container.decodeIfPresent([String].self, forKey: .premiumPrefixes) ?? defaults.premiumPrefixes
        dailyCallBudget = try container.decodeIfPresent(Int.self, forKey: .dailyCallBudget)
        concurrentCalls = try container.decodeIfPresent(Int.self, forKey: .concurrentCalls)
        perAddress = try container.decodeIfPresent(PerAddress.self, forKey: .perAddress) ?? defaults.perAddress
    }

    /// Nulls are written out: here `null` means "unlimited" or "any", not "unset".
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(clicks, forKey: .clicks)
        try container.encode(distinctNumbers, forKey: .distinctNumbers)
        try container.encode(sameNumber, forKey: .sameNumber)
        try container.encode(allowedCountries, forKey: .allowedCountries)
        try container.encode(premiumPrefixes, forKey: .premiumPrefixes)
        try container.encode(dailyCallBudget, forKey: .dailyCallBudget)
        try container.encode(concurrentCalls, forKey: .concurrentCalls)
        try container.encode(perAddress, forKey: .perAddress)
    }
}

extension AbuseSettings.Clicks {
    enum CodingKeys: String, CodingKey { case per15Minutes, perHour, perDay }
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        per15Minutes = try container.limit(.per15Minutes, defaults.per15Minutes)
        perHour = try container.limit(.perHour, defaults.perHour)
        perDay = try container.limit(.perDay, defaults.perDay)
    }
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(per15Minutes, forKey: .per15Minutes)
        try container.encode(perHour, forKey: .perHour)
        try container.encode(perDay, forKey: .perDay)
    }
}

extension AbuseSettings.DistinctNumbers {
    enum CodingKeys: String, CodingKey { case perHour, perDay, blockHours }
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        perHour = try container.limit(.perHour, defaults.perHour)
        perDay = try container.limit(.perDay, defaults.perDay)
        blockHours = try container.decodeIfPresent(Int.self, forKey: .blockHours) ?? defaults.blockHours
    }
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(perHour, forKey: .perHour)
        try container.encode(perDay, forKey: .perDay)
        try container.encode(blockHours, forKey: .blockHours)
    }
}

extension AbuseSettings.SameNumber {
    enum CodingKeys: String, CodingKey { case max, hours }
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        max = try container.limit(.max, defaults.max)
        hours = try container.decodeIfPresent(Int.self, forKey: .hours) ?? defaults.hours
    }
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(max, forKey: .max)
        try container.encode(hours, forKey: .hours)
    }
}

extension AbuseSettings.PerAddress {
    enum CodingKeys: String, CodingKey { case requestsPerMinute, newVisitorsPerMinute }
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self()
        requestsPerMinute = try container.limit(.requestsPerMinute, defaults.requestsPerMinute)
        newVisitorsPerMinute = try container.limit(.newVisitorsPerMinute, defaults.newVisitorsPerMinute)
    }
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(requestsPerMinute, forKey: .requestsPerMinute)
        try container.encode(newVisitorsPerMinute, forKey: .newVisitorsPerMinute)
    }
}

extension KeyedDecodingContainer {
    /// A limit: left out keeps `fallback`, `null` means unlimited.
    func limit(_ key: Key, _ fallback: Int?) throws -> Int? {
        contains(key) ? try decodeIfPresent(Int.self, forKey: key) : fallback
    }
}
