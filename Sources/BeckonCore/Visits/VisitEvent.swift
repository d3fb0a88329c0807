package import Foundation

/// What a visit's journal events say, typed. The live path builds these, applies them to the
/// in-memory visitor and appends them to the journal; a restart replays the same events through
/// the same `VisitorState.apply`, so memory after recovery is what it was before.
package enum VisitEvent: Sendable, Equatable {
    case pageView(PageViewRecord)
    case attribute(AttributeRecord)
    case decision(DecisionRecord)
    case impression(ImpressionRecord)
    case click(ClickRecord)
    case validation(ValidationRecord)
    case close(CloseRecord)
    case abuse(AbuseRecord)

    package var kind: EventKind {
        switch self {
        case .pageView: .pageView
        case .attribute: .attribute
        case .decision: .decision
        case .impression: .impression
        case .click: .click
        case .validation: .validation
        case .close: .close
        case .abuse: .abuse
        }
    }
}

/// A page view; the first of a visit carries `newVisit` and what the client said about itself.
package struct PageViewRecord: Codable, Sendable, Equatable {
    package var siteId: String
    package var pageId: String
    package var url: String
    package var title: String?
    package var referrer: String?
    package var sections: [String]
    package var language: String?
    package var newVisit: Bool
    package var returning: Bool
    package var client: ClientInfo?

    package init(
        siteId: String, pageId: String, url: String, title: String? = nil, referrer: String? = nil, sections: [String] = [],
        language: String? = nil, newVisit: Bool, returning: Bool = false, client: ClientInfo? = nil
    ) {
        self.siteId = siteId
        self.pageId = pageId
        self.url = url
        self.title = title
        self.referrer = referrer
        self.sections = sections
        self.language = language
        self.newVisit = newVisit
        self.returning = returning
        self.client = client
    }
}

/// The device and network a visit came from (LP's `clientProperties`).
package struct ClientInfo: Codable, Sendable, Equatable {
    package var deviceFamily: String?
    package var os: String?
    package var osVersion: String?
    package var appVersion: String?
    package var browser: String?
    package var userAgent: String?
    /// Personal data: kept for the brand's Visit Information and IP-range targeting, never logged.
    package var ipAddress: String?
    package var country: String?

    package init(
        deviceFamily: String? = nil, os: String? = nil, osVersion: String? = nil, appVersion: String? = nil,
        browser: String? = nil, userAgent: String? = nil, ipAddress: String? = nil, country: String? = nil
    ) {
        self.deviceFamily = deviceFamily
        self.os = os
        self.osVersion = osVersion
        self.appVersion = appVersion
        self.browser = browser
        self.userAgent = userAgent
        self.ipAddress = ipAddress
        self.country = country
    }

    package var platform: VisitFacts.Platform {
        switch deviceFamily?.lowercased() {
        case "mobile", "smartphone", "phone": .mobile
        case "tablet": .tablet
        default: .desktop
        }
    }
}

/// One engagement attribute, from the page (`page`) or the brand's API (`brand`).
package struct AttributeRecord: Codable, Sendable, Equatable {
    package enum Source: String, Codable, Sendable { case page, brand }
    package var pageId: String?
    package var source: Source
    package var attribute: EngagementAttribute

    package init(pageId: String?, source: Source, attribute: EngagementAttribute) {
        self.pageId = pageId
        self.source = source
        self.attribute = attribute
    }
}

/// Every targeted engagement's outcome for one page view (SPEC §8); `shown` ones carry the
/// context id they were offered under.
package struct DecisionRecord: Codable, Sendable, Equatable {
    package var pageId: String
    package var outcomes: [Outcome]

    package struct Outcome: Codable, Sendable, Equatable {
        package var campaignId: Int64
        package var engagementId: Int64
        package var revision: Int
        package var outcome: DecisionOutcome
        package var type: EngagementSettings.Kind
        package var proactive: Bool
        package var placement: EngagementSettings.Placement
        package var contextId: String?
        /// For `shown` ones: the campaign's revision and goal at the offer (Visit Information's
        /// `campaignEntity` and `goalEntity`); absent from events journaled before they were kept.
        package var campaignRevision: Int?
        package var goal: Goal.Kind?

        package init(
            campaignId: Int64, engagementId: Int64, revision: Int, outcome: DecisionOutcome, type: EngagementSettings.Kind,
            proactive: Bool, placement: EngagementSettings.Placement, contextId: String? = nil, campaignRevision: Int? = nil,
            goal: Goal.Kind? = nil
        ) {
            self.campaignId = campaignId
            self.engagementId = engagementId
            self.revision = revision
            self.outcome = outcome
            self.type = type
            self.proactive = proactive
            self.placement = placement
            self.contextId = contextId
            self.campaignRevision = campaignRevision
            self.goal = goal
        }
    }

    package init(pageId: String, outcomes: [Outcome]) {
        self.pageId = pageId
        self.outcomes = outcomes
    }
}

/// What the tag reported about a display (SPEC §4).
package struct ImpressionRecord: Codable, Sendable, Equatable {
    package enum Kind: String, Codable, Sendable, CaseIterable {
        case impDisplay, impAccept, impClose, impTimeout, impExpanded
    }

    package var type: Kind
    package var pageId: String?
    package var campaignId: Int64
    package var engagementId: Int64
    package var revision: Int
    package var contextId: String

    package init(type: Kind, pageId: String?, campaignId: Int64, engagementId: Int64, revision: Int, contextId: String) {
        self.type = type
        self.pageId = pageId
        self.campaignId = campaignId
        self.engagementId = engagementId
        self.revision = revision
        self.contextId = contextId
    }
}

/// A click on a Click to Call engagement: what the brand may validate, and until when.
package struct ClickRecord: Codable, Sendable, Equatable {
    package var contextId: String
    package var campaignId: Int64
    package var engagementId: Int64
    package var revision: Int
    package var expiresAt: Int64
    /// nil: no limit within the validity (the engagement's `maxValidations: null`).
    package var maxValidations: Int?
    package var keyId: String

    package init(
        contextId: String, campaignId: Int64, engagementId: Int64, revision: Int, expiresAt: Int64, maxValidations: Int?,
        keyId: String
    ) {
        self.contextId = contextId
        self.campaignId = campaignId
        self.engagementId = engagementId
        self.revision = revision
        self.expiresAt = expiresAt
        self.maxValidations = maxValidations
        self.keyId = keyId
    }
}

/// The brand validated a clicked context (Validate Engagement, or the click token's online
/// verification); each uses up one of the click's validations.
package struct ValidationRecord: Codable, Sendable, Equatable {
    package enum Method: String, Codable, Sendable { case validateEngagement, verifyToken }
    package var contextId: String
    package var method: Method

    package init(contextId: String, method: Method) {
        self.contextId = contextId
        self.method = method
    }
}

/// The brand asked to close the visit: its brand-API window is fixed from now (SPEC §7).
package struct CloseRecord: Codable, Sendable, Equatable {
    package init() {}
}

/// A visit event with the identity of the visit it belongs to, as the journal stores it.
package struct VisitJournalEntry: Sendable, Equatable {
    package var accountId: AccountID
    package var visitorId: VisitToken
    package var sessionId: VisitToken
    package var occurredAt: Date
    package var event: VisitEvent

    package init(accountId: AccountID, visitorId: VisitToken, sessionId: VisitToken, occurredAt: Date, event: VisitEvent) {
        self.accountId = accountId
        self.visitorId = visitorId
        self.sessionId = sessionId
        self.occurredAt = occurredAt
        self.event = event
    }

    /// Payload order does not matter to readers; unsorted keys are cheaper on the hot path.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    package var journalEvent: JournalEvent {
        let visitorText = visitorId.description
        let sessionText = sessionId.description
        let payload: Data
        switch event {
        case .pageView(let record): payload = try! Self.encoder.encode(record)
        case .attribute(let record): payload = try! Self.encoder.encode(record)
        case .decision(let record): payload = try! Self.encoder.encode(record)
        case .impression(let record): payload = try! Self.encoder.encode(record)
        case .click(let record): payload = try! Self.encoder.encode(record)
        case .validation(let record): payload = try! Self.encoder.encode(record)
        case .close(let record): payload = try! Self.encoder.encode(record)
        case .abuse(let record): payload = try! Self.encoder.encode(record)
        }
        return JournalEvent(
            accountId: accountId, kind: event.kind, occurredAt: occurredAt, visitorId: visitorText, sessionId: sessionText,
            payload: String(decoding: payload, as: UTF8.self))
    }

    /// The visit event a journal entry holds; nil for kinds that are not about a visit's live
    /// state, or entries written by a newer version with a shape this one does not know.
    package init?(_ stored: JournalEvent) {
        guard let visitorText = stored.visitorId, let visitorId = VisitToken(visitorText),
            let sessionText = stored.sessionId, let sessionId = VisitToken(sessionText)
        else { return nil }
        let data = Data(stored.payload.utf8)
        let decoder = JSONDecoder()
        let event: VisitEvent?
        switch stored.kind {
        case .pageView: event = (try? decoder.decode(PageViewRecord.self, from: data)).map(VisitEvent.pageView)
        case .attribute: event = (try? decoder.decode(AttributeRecord.self, from: data)).map(VisitEvent.attribute)
        case .decision: event = (try? decoder.decode(DecisionRecord.self, from: data)).map(VisitEvent.decision)
        case .impression: event = (try? decoder.decode(ImpressionRecord.self, from: data)).map(VisitEvent.impression)
        case .click: event = (try? decoder.decode(ClickRecord.self, from: data)).map(VisitEvent.click)
        case .validation: event = (try? decoder.decode(ValidationRecord.self, from: data)).map(VisitEvent.validation)
        case .close: event = (try? decoder.decode(CloseRecord.self, from: data)).map(VisitEvent.close)
        case .abuse: event = (try? decoder.decode(AbuseRecord.self, from: data)).map(VisitEvent.abuse)
        default: event = nil
        }
        guard let event else { return nil }
        self.init(
            accountId: stored.accountId, visitorId: visitorId, sessionId: sessionId, occurredAt: stored.occurredAt, event: event)
    }
}
