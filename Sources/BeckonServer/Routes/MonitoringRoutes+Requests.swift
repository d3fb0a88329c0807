import BeckonCore

/// The monitoring API's request bodies (SPEC §4), decoded tolerantly: LivePerson's fields, each
/// optional.
extension MonitoringRoutes {
    struct ClientProperties: Decodable {
        var deviceFamily: String?
        var os: String?
        /// LivePerson's example body names it `osName`.
        var osName: String?
        var osVersion: String?
        var appVersion: String?
        var browser: String?
        var ipAddress: String?
    }

    struct PageInfo: Decodable {
        var url: String?
        var title: String?
        var referrer: String?
    }

    struct Identity: Decodable {
        var iss: String?
        var sub: String?
        var acr: String?
    }

    struct EngagementRequest: Decodable {
        var identities: [Identity]?
        var consumerId: String?
        var clientProperties: ClientProperties?
        var entryPoints: [String]?
        var engagementAttributes: [JSONValue]?
        var pageId: String?
        var page: PageInfo?
        var sections: [String]?
    }

    struct ReportRequest: Decodable {
        var identities: [Identity]?
        var consumerId: String?
        var pageId: String?
        var engagementAttributes: [JSONValue]?
        /// Used when the report starts the visit (no vid/sid).
        var entryPoints: [String]?
        var clientProperties: ClientProperties?
    }
}
