import BeckonCore
import Foundation
import Hummingbird

/// The monitoring API's answers (SPEC §4) and their JSON encoding.
extension MonitoringRoutes {
    /// An SDE refused on its own (the rest of the request counted).
    struct Warning: Encodable, Equatable {
        var field: String
        var message: String
    }

    struct EngagementDetail: Encodable {
        var campaignId: Int64
        var engagementId: Int64
        var engagementRevision: Int
        var contextId: String
        /// LivePerson's connector of the engagement's window; Beckon's is the engagement itself.
        var connectorId: Int64
        /// The engagement's name, as LivePerson's OFFER_* events carry it.
        var engagementName: String
        /// LivePerson's `language`: the engagement's, or the account's.
        var language: String
        var status = "expose"
        var type: EngagementSettings.Kind
        var proactive: Bool
        var placement: EngagementSettings.Placement
        var target: String?
        var content: EngagementSettings.Creative
        var openMode: EngagementSettings.OpenMode
        var timeoutSeconds: Int

        enum CodingKeys: String, CodingKey {
            case campaignId, engagementId, engagementRevision, contextId, connectorId, windowId, language, engagementName, status, type
            case proactive
            case placement, target, content, openMode, timeoutSeconds
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(campaignId, forKey: .campaignId)
            try container.encode(engagementId, forKey: .engagementId)
            try container.encode(engagementRevision, forKey: .engagementRevision)
            try container.encode(contextId, forKey: .contextId)
            try container.encode(connectorId, forKey: .connectorId)
            // LivePerson's window id: Beckon opens the brand's page, not an LP window.
            try container.encodeNil(forKey: .windowId)
            try container.encode(language, forKey: .language)
            try container.encode(engagementName, forKey: .engagementName)
            try container.encode(status, forKey: .status)
            try container.encode(type, forKey: .type)
            try container.encode(proactive, forKey: .proactive)
            try container.encode(placement, forKey: .placement)
            try container.encodeIfPresent(target, forKey: .target)
            try container.encode(content, forKey: .content)
            try container.encode(openMode, forKey: .openMode)
            try container.encode(timeoutSeconds, forKey: .timeoutSeconds)
        }
    }

    struct EngagementAnswer: Encodable {
        var visitorId: String
        var sessionId: String
        var pageId: String
        var engagementDetails: [EngagementDetail]?
        var retryAfterMs: Int64?
        var decisions: [DecisionEngine.TraceEntry]?
        var warnings: [Warning]?

        init(_ answer: PageViews.Answer) {
            visitorId = answer.visitorId.description
            sessionId = answer.sessionId.description
            pageId = answer.pageId
            let details = answer.offers.map { offer in
                let settings = offer.engagement.settings
                return EngagementDetail(
                    campaignId: offer.campaignId, engagementId: offer.engagement.id,
                    engagementRevision: offer.engagement.revision, contextId: offer.contextId,
                    connectorId: offer.engagement.id, engagementName: settings.name, language: offer.language, type: settings.type,
                    proactive: settings.proactive, placement: settings.placement, target: settings.target,
                    content: settings.creative, openMode: settings.openMode, timeoutSeconds: settings.timeoutSeconds)
            }
            engagementDetails = details.isEmpty ? nil : details
            retryAfterMs = answer.retryAfterMs
            decisions = answer.trace
        }
    }

    struct ClickThroughBody: Encodable {
        var url: String
        var token: String
        /// Epoch milliseconds, like LivePerson's times.
        var expiresAt: Int64
    }

    struct ReportAnswer: Encodable {
        var visitorId: String
        var sessionId: String
        var pageId: String?
        var clickThrough: ClickThroughBody?
        var clickRefused: String?
        var retryAfterSeconds: Int?
        var warnings: [Warning]?

        init(_ answer: VisitReports.Answer) {
            visitorId = answer.visitorId.description
            sessionId = answer.sessionId.description
            pageId = answer.pageId
            clickRefused = answer.clickRefused
            retryAfterSeconds = answer.retryAfterSeconds
            clickThrough = answer.clickThrough.map {
                ClickThroughBody(url: $0.url, token: $0.token, expiresAt: $0.expiresAt.millisecondsSince1970)
            }
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as an uncached JSON answer. A value that cannot be encoded is a server fault (500),
    /// never an empty object.
    static func json(_ value: some Encodable, status: HTTPResponse.Status, headers: HTTPFields) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let data = try encoder.encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
