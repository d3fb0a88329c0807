import Foundation

/// An account's engagement and reporting settings (SPEC §8a). `null` caps mean unlimited.
package struct AccountSettings: Hashable, Sendable, Codable {
    package struct Caps: Hashable, Sendable, Codable {
        package enum Mode: String, Sendable, Codable { case shared, separate }
        package enum AfterDecline: String, Sendable, Codable { case none, suppressSameKind, suppressAll }

        package struct PerVisitor: Hashable, Sendable, Codable {
            package var max: Int
            package var days: Int
            package init(max: Int, days: Int) {
                self.max = max
                self.days = days
            }
        }

        /// `shared`: one count for chat and content engagements (`perVisit`); `separate`:
        /// `perVisitChat` and `perVisitContent`.
        package var mode: Mode
        package var perVisit: Int?
        package var perVisitChat: Int?
        package var perVisitContent: Int?
        package var afterDecline: AfterDecline
        package var perVisitor: PerVisitor?

        package init(
            mode: Mode = .shared, perVisit: Int? = 1, perVisitChat: Int? = nil, perVisitContent: Int? = nil,
            afterDecline: AfterDecline = .suppressSameKind, perVisitor: PerVisitor? = nil
        ) {
            self.mode = mode
            self.perVisit = perVisit
            self.perVisitChat = perVisitChat
            self.perVisitContent = perVisitContent
            self.afterDecline = afterDecline
            self.perVisitor = perVisitor
        }

        package enum CodingKeys: String, CodingKey { case mode, perVisit, perVisitChat, perVisitContent, afterDecline, perVisitor }

        /// A field left out keeps its default; a field given as `null` means unlimited (or none).
        package init(from decoder: any Decoder) throws {
            let defaults = Caps()
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func value<T: Decodable>(_ key: CodingKeys, _ fallback: T?) throws -> T? {
                container.contains(key) ? try container.decodeIfPresent(T.self, forKey: key) : fallback
            }
            mode = try container.decodeIfPresent(Mode.self, forKey: .mode) ?? defaults.mode
            perVisit = try value(.perVisit, defaults.perVisit)
            perVisitChat = try value(.perVisitChat, defaults.perVisitChat)
            perVisitContent = try value(.perVisitContent, defaults.perVisitContent)
            afterDecline = try container.decodeIfPresent(AfterDecline.self, forKey: .afterDecline) ?? defaults.afterDecline
            perVisitor = try value(.perVisitor, defaults.perVisitor)
        }

        /// Nulls are written out: in these settings `null` means "unlimited", not "unset".
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(mode, forKey: .mode)
            try container.encode(perVisit, forKey: .perVisit)
            try container.encode(perVisitChat, forKey: .perVisitChat)
            try container.encode(perVisitContent, forKey: .perVisitContent)
            try container.encode(afterDecline, forKey: .afterDecline)
            try container.encode(perVisitor, forKey: .perVisitor)
        }
    }

    package enum Attribution: String, Sendable, Codable { case first, last }

    package var timeZone: String
    package var currency: String
    package var caps: Caps
    /// Default control-group share for new campaigns.
    package var controlGroupPercent: Int
    /// Cross-session conversion window (0, 1, 7, 14 or 31 days).
    package var crossSessionDays: Int
    package var attribution: Attribution
    /// How long raw events and personal data are kept.
    package var retentionDays: Int
    /// Click velocity, dial authorization and per-address limits (SPEC §13).
    package var abuse: AbuseSettings
    /// The language of the account's engagements unless one sets its own (BCP 47, `en-US`).
    package var language: String

    package init(
        timeZone: String = Account.defaultTimeZone, currency: String = Account.defaultCurrency, caps: Caps = .init(),
        controlGroupPercent: Int = 0, crossSessionDays: Int = 7, attribution: Attribution = .last, retentionDays: Int = 90,
        abuse: AbuseSettings? = nil, language: String = Self.defaultLanguage
    ) {
        self.abuse = abuse ?? .defaults(timeZone: timeZone)
        self.timeZone = timeZone
        self.currency = currency
        self.caps = caps
        self.controlGroupPercent = controlGroupPercent
        self.crossSessionDays = crossSessionDays
        self.attribution = attribution
        self.retentionDays = retentionDays
        self.language = language
    }

    package static let defaultLanguage = "en-US"

    package static let crossSessionWindows = [0, 1, 7, 14, 31]

    package enum CodingKeys: String, CodingKey {
        case timeZone, currency, caps, controlGroupPercent, crossSessionDays, attribution, retentionDays, abuse, language
    }

    /// Settings stored before `abuse` existed, or without `abuse.allowedCountries`, get the
    /// defaults for the account's time zone.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        timeZone = try container.decode(String.self, forKey: .timeZone)
        currency = try container.decode(String.self, forKey: .currency)
        caps = try container.decode(Caps.self, forKey: .caps)
        controlGroupPercent = try container.decode(Int.self, forKey: .controlGroupPercent)
        crossSessionDays = try container.decode(Int.self, forKey: .crossSessionDays)
        attribution = try container.decode(Attribution.self, forKey: .attribution)
        retentionDays = try container.decode(Int.self, forKey: .retentionDays)
        var abuse = try container.decodeIfPresent(AbuseSettings.self, forKey: .abuse) ?? .defaults(timeZone: timeZone)
        if let nested = try? container.nestedContainer(keyedBy: AbuseSettings.CodingKeys.self, forKey: .abuse),
            !nested.contains(.allowedCountries)
        {
            abuse.allowedCountries = AbuseSettings.defaults(timeZone: timeZone).allowedCountries
        }
        self.abuse = abuse
        language = try container.decodeIfPresent(String.self, forKey: .language) ?? Self.defaultLanguage
    }

    package func validate() throws(BeckonError) {
        try Account.validate(name: "settings", timeZone: timeZone, currency: currency)
        for (field, value) in [
            ("caps.perVisit", caps.perVisit), ("caps.perVisitChat", caps.perVisitChat),
            ("caps.perVisitContent", caps.perVisitContent),
        ] {
            if let value, !(1...3).contains(value) {
                throw .invalidInput(field: field, reason: "must be 1, 2, 3 or null (unlimited)")
            }
        }
        if let perVisitor = caps.perVisitor {
            guard (1...1000).contains(perVisitor.max) else {
                throw .invalidInput(field: "caps.perVisitor.max", reason: "must be 1 to 1000")
            }
            guard (1...365).contains(perVisitor.days) else {
                throw .invalidInput(field: "caps.perVisitor.days", reason: "must be 1 to 365")
            }
        }
        guard (0...CampaignSettings.maxControlGroupPercent).contains(controlGroupPercent) else {
            throw .invalidInput(field: "controlGroupPercent", reason: "must be 0 to \(CampaignSettings.maxControlGroupPercent)")
        }
        guard Self.crossSessionWindows.contains(crossSessionDays) else {
            throw .invalidInput(field: "crossSessionDays", reason: "must be one of 0, 1, 7, 14, 31")
        }
        guard (1...3650).contains(retentionDays) else {
            throw .invalidInput(field: "retentionDays", reason: "must be 1 to 3650")
        }
        try abuse.validate()
        try LanguageTag.validate(language, field: "language")
    }
}
