package import Foundation

/// One thing a campaign shows (SPEC §8). Every change makes a new revision; reports keep the
/// revision a display was made under.
package struct Engagement: Hashable, Sendable, Codable {
    package enum Status: String, Sendable, Codable {
        case active, archived
    }

    package var id: Int64
    package var accountId: AccountID
    package var campaignId: Int64
    /// 1 when created, +1 on every change.
    package var revision: Int
    package var status: Status
    package var settings: EngagementSettings
    package var createdAt: Date
    package var updatedAt: Date

    package init(
        id: Int64, accountId: AccountID, campaignId: Int64, revision: Int, status: Status, settings: EngagementSettings,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.accountId = accountId
        self.campaignId = campaignId
        self.revision = revision
        self.status = status
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What an engagement's author sets.
package struct EngagementSettings: Hashable, Sendable, Codable {
    package enum Kind: String, Sendable, Codable, CaseIterable {
        case clickToCall, content, chatInvitation

        /// Caps count chat and content engagements separately when configured so; Click to Call
        /// is a content engagement (SPEC §8).
        package var isChat: Bool { self == .chatInvitation }
    }

    package enum Placement: String, Sendable, Codable, CaseIterable {
        case overlay, toaster, slideout, embedded, sticky
    }

    package enum OpenMode: String, Sendable, Codable, CaseIterable {
        case popup, newTab, sameWindow
    }

    package struct Creative: Hashable, Sendable, Codable {
        package var html: String
        package var css: String

        package init(html: String, css: String = "") {
            self.html = html
            self.css = css
        }

        enum CodingKeys: String, CodingKey { case html, css }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            html = try container.decode(String.self, forKey: .html)
            css = try container.decodeIfPresent(String.self, forKey: .css) ?? ""
        }
    }

    package struct ClickToCall: Hashable, Sendable, Codable {
        package var brandPageUrl: String
        /// How long after the click the brand may validate it.
        package var validitySeconds: Int
        /// How many validations one click allows (1, the default: a forwarded link cannot start a
        /// second call). nil (`null` in JSON) is LivePerson's behaviour: any number within the
        /// validity.
        package var maxValidations: Int?

        package init(brandPageUrl: String, validitySeconds: Int = 600, maxValidations: Int? = 1) {
            self.brandPageUrl = brandPageUrl
            self.validitySeconds = validitySeconds
            self.maxValidations = maxValidations
        }

        enum CodingKeys: String, CodingKey { case brandPageUrl, validitySeconds, maxValidations }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            brandPageUrl = try container.decode(String.self, forKey: .brandPageUrl)
            validitySeconds = try container.decodeIfPresent(Int.self, forKey: .validitySeconds) ?? 600
            // Left out: 1. Given as null: unlimited.
            maxValidations =
                container.contains(.maxValidations) ? try container.decodeIfPresent(Int.self, forKey: .maxValidations) : 1
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(brandPageUrl, forKey: .brandPageUrl)
            try container.encode(validitySeconds, forKey: .validitySeconds)
            // Written even when null: left out it would read back as 1.
            try container.encode(maxValidations, forKey: .maxValidations)
        }
    }

    package var name: String
    package var type: Kind
    /// Proactive engagements are offered and count toward caps; buttons are always shown where
    /// their rules match.
    package var proactive: Bool
    package var entryPoint: EntryPoint
    package var behaviour: Behaviour
    package var placement: Placement
    /// CSS selector of the element an `embedded` engagement goes into.
    package var target: String?
    package var openMode: OpenMode
    /// Seconds until an unanswered display goes away; 0 keeps it.
    package var timeoutSeconds: Int
    package var creative: Creative
    package var clickToCall: ClickToCall?
    /// The language the creative is in (a BCP 47 tag like `en-US`), answered as LivePerson's
    /// `engagementDetails[].language`; nil: the account's language.
    package var language: String?

    package init(
        name: String, type: Kind, proactive: Bool = true, entryPoint: EntryPoint = .init(), behaviour: Behaviour = .init(),
        placement: Placement, target: String? = nil, openMode: OpenMode = .popup, timeoutSeconds: Int = 0,
        creative: Creative, clickToCall: ClickToCall? = nil, language: String? = nil
    ) {
        self.name = name
        self.type = type
        self.proactive = proactive
        self.entryPoint = entryPoint
        self.behaviour = behaviour
        self.placement = placement
        self.target = target
        self.openMode = openMode
        self.timeoutSeconds = timeoutSeconds
        self.creative = creative
        self.clickToCall = clickToCall
        self.language = language
    }

    enum CodingKeys: String, CodingKey {
        case name, type, proactive, entryPoint, behaviour, placement, target, openMode, timeoutSeconds, creative, clickToCall
        case language
    }

    /// `name`, `type`, `placement` and `creative` are required; the rest default to a proactive
    /// engagement on every page, with no behaviour rules, opened in a popup, without timeout.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(Kind.self, forKey: .type)
        proactive = try container.decodeIfPresent(Bool.self, forKey: .proactive) ?? true
        entryPoint = try container.decodeIfPresent(EntryPoint.self, forKey: .entryPoint) ?? EntryPoint()
        behaviour = try container.decodeIfPresent(Behaviour.self, forKey: .behaviour) ?? Behaviour()
        placement = try container.decode(Placement.self, forKey: .placement)
        target = try container.decodeIfPresent(String.self, forKey: .target)
        openMode = try container.decodeIfPresent(OpenMode.self, forKey: .openMode) ?? .popup
        timeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? 0
        creative = try container.decode(Creative.self, forKey: .creative)
        clickToCall = try container.decodeIfPresent(ClickToCall.self, forKey: .clickToCall)
        language = try container.decodeIfPresent(String.self, forKey: .language)
    }

    package static let maxCreativeBytes = 64 * 1024

    package func validate() throws(BeckonError) {
        try Text.validateName(name)
        try entryPoint.validate()
        try behaviour.validate()
        if placement == .embedded {
            guard let target, !target.trimmingCharacters(in: .whitespaces).isEmpty, target.count <= 300 else {
                throw .invalidInput(field: "target", reason: "an embedded engagement names the element to go into, e.g. #call-box")
            }
        }
        if let language { try LanguageTag.validate(language, field: "language") }
        guard (0...3600).contains(timeoutSeconds) else {
            throw .invalidInput(field: "timeoutSeconds", reason: "must be 0 (no timeout) to 3600")
        }
        guard !creative.html.isEmpty else { throw .invalidInput(field: "creative.html", reason: "must not be empty") }
        guard creative.html.utf8.count + creative.css.utf8.count <= Self.maxCreativeBytes else {
            throw .invalidInput(field: "creative", reason: "html and css together exceed \(Self.maxCreativeBytes / 1024) KiB")
        }
        switch (type, clickToCall) {
        case (.clickToCall, nil):
            throw .invalidInput(field: "clickToCall", reason: "a clickToCall engagement needs clickToCall.brandPageUrl")
        case (.clickToCall, let settings?):
            try Self.validateBrandPage(settings.brandPageUrl)
            guard (30...86400).contains(settings.validitySeconds) else {
                throw .invalidInput(field: "clickToCall.validitySeconds", reason: "must be 30 to 86400")
            }
            if let maxValidations = settings.maxValidations, !(1...100).contains(maxValidations) {
                throw .invalidInput(field: "clickToCall.maxValidations", reason: "must be 1 to 100, or null for no limit")
            }
        case (_, .some):
            throw .invalidInput(field: "clickToCall", reason: "only a clickToCall engagement has click-to-call settings")
        case (_, nil): break
        }
    }

    /// The brand page gets identifiers and a token in its query: it must be https, except on a
    /// developer's own machine.
    static func validateBrandPage(_ text: String) throws(BeckonError) {
        let field = "clickToCall.brandPageUrl"
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
            !host.isEmpty, url.user == nil, url.fragment == nil
        else { throw .invalidInput(field: field, reason: "'\(text)' is not an absolute URL") }
        let local = ["localhost", "127.0.0.1", "[::1]", "::1"].contains(host)
        guard scheme == "https" || (scheme == "http" && local) else {
            throw .invalidInput(field: field, reason: "must use https (http only for localhost)")
        }
    }
}
