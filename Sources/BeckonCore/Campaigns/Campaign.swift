package import Foundation

/// A campaign (SPEC §8): who to engage, when, toward which goal, with which engagements.
package struct Campaign: Hashable, Sendable, Codable {
    package enum Status: String, Sendable, Codable, CaseIterable {
        case draft, live, paused, archived
    }

    package var id: Int64
    package var accountId: AccountID
    /// 1 when created, one more on every change (LivePerson's `campaignEntity.revision`).
    package var revision: Int
    package var settings: CampaignSettings
    package var createdAt: Date
    package var updatedAt: Date

    package init(
        id: Int64, accountId: AccountID, revision: Int = 1, settings: CampaignSettings, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.accountId = accountId
        self.revision = revision
        self.settings = settings
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What a campaign's author sets; everything but the identity and timestamps.
package struct CampaignSettings: Hashable, Sendable, Codable {
    package var name: String
    package var status: Campaign.Status
    /// Higher wins when several engagements want the same placement.
    package var priority: Int
    package var goal: Goal?
    package var audience: Audience?
    package var timeFrame: TimeFrame?
    /// Share of visitors (stable per visitor) who never see the campaign, to measure lift.
    package var controlGroupPercent: Int
    /// At most this many proactive offers of the campaign's engagements per visit; nil: only the
    /// account's caps apply.
    package var capPerVisit: Int?

    package init(
        name: String, status: Campaign.Status = .draft, priority: Int = 0, goal: Goal? = nil, audience: Audience? = nil,
        timeFrame: TimeFrame? = nil, controlGroupPercent: Int = 0, capPerVisit: Int? = nil
    ) {
        self.name = name
        self.status = status
        self.priority = priority
        self.goal = goal
        self.audience = audience
        self.timeFrame = timeFrame
        self.controlGroupPercent = controlGroupPercent
        self.capPerVisit = capPerVisit
    }

    package static let maxControlGroupPercent = 25

    package func validate() throws(BeckonError) {
        try Text.validateName(name)
        guard (-1000...1000).contains(priority) else {
            throw .invalidInput(field: "priority", reason: "must be -1000 to 1000")
        }
        guard (0...Self.maxControlGroupPercent).contains(controlGroupPercent) else {
            throw .invalidInput(field: "controlGroupPercent", reason: "must be 0 to \(Self.maxControlGroupPercent)")
        }
        if let capPerVisit, !(1...10).contains(capPerVisit) {
            throw .invalidInput(field: "capPerVisit", reason: "must be 1 to 10, or null for no campaign cap")
        }
        try goal?.validate()
        try audience?.validate()
        try timeFrame?.validate()
    }
}

/// What counts as the campaign's conversion (SPEC §10).
package struct Goal: Hashable, Sendable, Codable {
    package enum Kind: String, Sendable, Codable, CaseIterable {
        case purchase, lead, serviceActivity, pageURL
    }

    package var type: Kind
    /// Purchases below this total do not count.
    package var minTotal: Double?
    /// For `pageURL`: reaching a page whose URL contains this.
    package var urlContains: String?

    package init(type: Kind, minTotal: Double? = nil, urlContains: String? = nil) {
        self.type = type
        self.minTotal = minTotal
        self.urlContains = urlContains
    }

    package func validate() throws(BeckonError) {
        if let minTotal, minTotal < 0 { throw .invalidInput(field: "goal.minTotal", reason: "must not be negative") }
        if type == .pageURL, (urlContains ?? "").isEmpty {
            throw .invalidInput(field: "goal.urlContains", reason: "is required for a pageURL goal")
        }
    }
}

enum Text {
    static func validateName(_ name: String, field: String = "name") throws(BeckonError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, name.unicodeScalars.count <= 200 else {
            throw .invalidInput(field: field, reason: "must be 1 to 200 characters")
        }
    }
}
