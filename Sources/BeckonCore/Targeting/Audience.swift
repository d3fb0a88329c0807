import Foundation

/// Who may see a campaign (SPEC §8, target audience). Every condition given must hold; an
/// absent condition does not restrict.
package struct Audience: Hashable, Sendable, Codable {
    package var platforms: [VisitFacts.Platform]?
    /// true: only returning visitors; false: only new ones; nil: both.
    package var returning: Bool?
    /// ISO 3166-1 alpha-2 codes; a visitor of unknown country does not match.
    package var countries: [String]?
    /// IPv4 or IPv6 ranges in CIDR notation (`203.0.113.0/24`).
    package var ipRanges: [String]?
    /// The external referrer contains one of these (case-insensitive).
    package var referrerContains: [String]?
    /// BCP 47 language prefixes (`en`, `de-AT`).
    package var languages: [String]?
    /// One of the visitor's search keywords contains one of these (case-insensitive).
    package var searchKeywords: [String]?
    /// The visit's marketing source is one of these (case-insensitive).
    package var marketingSources: [String]?
    /// Conditions on the customer info the page or brand reported.
    package var customer: CustomerCondition?
    /// Conditions on the personal info reported.
    package var personal: PersonalCondition?

    package struct CustomerCondition: Hashable, Sendable, Codable {
        package var types: [String]?
        package var statuses: [String]?
        package var balanceMin: Double?
        package var balanceMax: Double?
        package var customerIds: [String]?

        package init(
            types: [String]? = nil, statuses: [String]? = nil, balanceMin: Double? = nil, balanceMax: Double? = nil,
            customerIds: [String]? = nil
        ) {
            self.types = types
            self.statuses = statuses
            self.balanceMin = balanceMin
            self.balanceMax = balanceMax
            self.customerIds = customerIds
        }

        func matches(_ facts: VisitFacts) -> Bool {
            if let types, !Audience.contains(types, facts.customerType) { return false }
            if let statuses, !Audience.contains(statuses, facts.customerStatus) { return false }
            if let customerIds, !customerIds.contains(where: { $0 == facts.customerId }) { return false }
            if balanceMin != nil || balanceMax != nil {
                guard let balance = facts.customerBalance else { return false }
                if let balanceMin, balance < balanceMin { return false }
                if let balanceMax, balance > balanceMax { return false }
            }
            return true
        }
    }

    package struct PersonalCondition: Hashable, Sendable, Codable {
        package var ageMin: Int?
        package var ageMax: Int?
        package var genders: [String]?

        package init(ageMin: Int? = nil, ageMax: Int? = nil, genders: [String]? = nil) {
            self.ageMin = ageMin
            self.ageMax = ageMax
            self.genders = genders
        }

        func matches(_ facts: VisitFacts) -> Bool {
            if ageMin != nil || ageMax != nil {
                guard let age = facts.age else { return false }
                if let ageMin, age < ageMin { return false }
                if let ageMax, age > ageMax { return false }
            }
            if let genders, !Audience.contains(genders, facts.gender) { return false }
            return true
        }
    }

    /// Case-insensitive membership; an unknown value never matches a list.
    static func contains(_ list: [String], _ value: String?) -> Bool {
        guard let value else { return false }
        return list.contains { $0.caseInsensitiveCompare(value) == .orderedSame }
    }

    package init(
        platforms: [VisitFacts.Platform]? = nil, returning: Bool? = nil, countries: [String]? = nil,
        ipRanges: [String]? = nil, referrerContains: [String]? = nil, languages: [String]? = nil,
        searchKeywords: [String]? = nil, marketingSources: [String]? = nil, customer: CustomerCondition? = nil,
        personal: PersonalCondition? = nil
    ) {
        self.platforms = platforms
        self.returning = returning
        self.countries = countries
        self.ipRanges = ipRanges
        self.referrerContains = referrerContains
        self.languages = languages
        self.searchKeywords = searchKeywords
        self.marketingSources = marketingSources
        self.customer = customer
        self.personal = personal
    }

    package func validate(field: String = "audience") throws(BeckonError) {
        if let platforms, platforms.isEmpty {
            throw .invalidInput(field: "\(field).platforms", reason: "give at least one platform, or leave it out for all")
        }
        for (index, country) in (countries ?? []).enumerated()
        where country.count != 2 || !country.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            throw .invalidInput(field: "\(field).countries[\(index)]", reason: "'\(country)' is not an ISO 3166 code such as US")
        }
        for (index, range) in (ipRanges ?? []).enumerated() where IPRange(range) == nil {
            throw .invalidInput(field: "\(field).ipRanges[\(index)]", reason: "'\(range)' is not a CIDR range such as 203.0.113.0/24")
        }
        if let customer, let low = customer.balanceMin, let high = customer.balanceMax, high < low {
            throw .invalidInput(field: "\(field).customer.balanceMax", reason: "\(high) is below balanceMin \(low)")
        }
        if let personal {
            for (name, age) in [("ageMin", personal.ageMin), ("ageMax", personal.ageMax)] {
                if let age, !(0...150).contains(age) {
                    throw .invalidInput(field: "\(field).personal.\(name)", reason: "must be 0 to 150")
                }
            }
            if let low = personal.ageMin, let high = personal.ageMax, high < low {
                throw .invalidInput(field: "\(field).personal.ageMax", reason: "\(high) is below ageMin \(low)")
            }
        }
    }

    package func matches(_ facts: VisitFacts) -> Bool {
        if let platforms, !platforms.contains(facts.platform) { return false }
        if let returning, returning != facts.returning { return false }
        if let countries {
            guard let country = facts.country, countries.contains(country.uppercased()) else { return false }
        }
        if let ipRanges {
            guard let ip = facts.ipAddress, ipRanges.contains(where: { IPRange($0)?.contains(ip) == true }) else { return false }
        }
        if let referrerContains {
            guard let referrer = facts.referrer,
                referrerContains.contains(where: { referrer.range(of: $0, options: .caseInsensitive) != nil })
            else { return false }
        }
        if let languages {
            guard let language = facts.language?.lowercased(),
                languages.contains(where: { language == $0.lowercased() || language.hasPrefix($0.lowercased() + "-") })
            else { return false }
        }
        if let searchKeywords {
            let found = facts.searchKeywords.contains { keyword in
                searchKeywords.contains { keyword.range(of: $0, options: .caseInsensitive) != nil }
            }
            if !found { return false }
        }
        if let marketingSources, !Self.contains(marketingSources, facts.marketingSource) { return false }
        if let customer, !customer.matches(facts) { return false }
        if let personal, !personal.matches(facts) { return false }
        return true
    }
}

/// An IPv4 or IPv6 network in CIDR notation.
package struct IPRange: Hashable, Sendable {
    let network: [UInt8]
    let prefixLength: Int

    package init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPRange.bytes(of: String(parts[0])) else { return nil }
        let maxLength = address.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : maxLength
        guard let length, (0...maxLength).contains(length) else { return nil }
        network = address
        prefixLength = length
    }

    package func contains(_ address: String) -> Bool {
        guard let bytes = IPRange.bytes(of: address), bytes.count == network.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(bytes, network) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }

    static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
