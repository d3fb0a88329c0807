import BeckonCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// The monitoring API (SPEC §4), LivePerson-compatible: the tag's (and apps') endpoint on every
/// page view. Public — no credentials — so it checks what it can: the account and site exist,
/// a browser's `Origin` is one of the site's allowed origins (CORS), ids are the server's own,
/// and every body is bounded. Bodies are decoded tolerantly (unknown fields are ignored, as
/// LivePerson's clients expect) but wrong types are refused naming the field.
struct MonitoringRoutes {
    let pageViews: PageViews
    let reports: VisitReports
    let sites: SiteDirectory
    let trustForwardedFor: Bool
    let limits: AddressLimits
    let identities: VisitorIdentities
    let clock: any WallClock

    static let maxEntryPoints = 50
    static let maxAttributes = 50

    func register(on router: Router<AppRequestContext>) {
        let base = "api/account/:accountId/app/:siteId"
        router.on("\(base)/engagement", method: .options) { request, context in try await preflight(request, context) }
        router.on("\(base)/report", method: .options) { request, context in try await preflight(request, context) }
        router.post("\(base)/engagement") { request, context in
            let (site, cors) = try await siteAndCORS(request, context)
            try Self.checkVersion(request)
            let body = try await Self.decode(EngagementRequest.self, request, context)
            var (pageView, warnings) = try pageView(body, request: request, context: context, site: site)
            let identities = try Self.identities(body.identities, consumerId: body.consumerId)
            let answer = try await continuedVisit(&pageView, identities: identities, request: request, context: context)
            var reply = EngagementAnswer(answer)
            reply.warnings = warnings.isEmpty ? nil : warnings
            return try Self.json(reply, status: answer.created ? .created : .ok, headers: cors)
        }
        router.put("\(base)/report") { request, context in try await report(request, context) }
        router.post("\(base)/report") { request, context in
            // POST is PUT (LivePerson's `X-HTTP-Method-Override: PUT`); the header may be left
            // out so `navigator.sendBeacon`, which cannot set headers, works on page unload.
            if let override = request.headers[.methodOverride], override.uppercased() != "PUT" {
                throw BeckonError.invalidInput(field: "X-HTTP-Method-Override", reason: "only PUT is supported here")
            }
            return try await report(request, context)
        }
    }

    private func report(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (site, cors) = try await siteAndCORS(request, context)
        try Self.checkVersion(request)
        let query = request.uri.queryParameters
        let body = try await Self.decode(ReportRequest.self, request, context)
        var vid = query.get("vid").flatMap { $0.isEmpty ? nil : $0 }
        var sid = query.get("sid").flatMap { $0.isEmpty ? nil : $0 }
        var started = false
        if vid == nil || sid == nil {
            // LivePerson's report may come first (an app reporting before asking for an
            // engagement): it starts the visitor and the visit as `engagement` does, without
            // deciding anything (nothing would show an offer).
            var (pageView, _) = try pageView(
                EngagementRequest(clientProperties: body.clientProperties, entryPoints: body.entryPoints, pageId: body.pageId),
                request: request, context: context, site: site)
            pageView.decide = false
            let identities = try Self.identities(body.identities, consumerId: body.consumerId)
            let visit = try await continuedVisit(&pageView, identities: identities, request: request, context: context)
            (vid, sid, started) = (visit.visitorId.description, visit.sessionId.description, visit.created)
        }
        guard let vid, let sid else { throw BeckonError.invalidInput(field: "sid", reason: "is required") }
        var attributes: [EngagementAttribute] = []
        var impressions: [VisitReports.Impression] = []
        let items = body.engagementAttributes ?? []
        guard items.count <= Self.maxAttributes else {
            throw BeckonError.invalidInput(field: "engagementAttributes", reason: "at most \(Self.maxAttributes) per request")
        }
        var warnings: [Warning] = []
        for (position, item) in items.enumerated() {
            let field = "engagementAttributes[\(position)]"
            if case .object(let fields) = item, let kind = fields["type"]?.string.flatMap(ImpressionRecord.Kind.init(rawValue:)) {
                impressions.append(try Self.impression(kind, fields, field: field))
            } else if let attribute = Self.pageAttribute(item, field: field, warnings: &warnings) {
                attributes.append(attribute)
            }
        }
        let answer = try await reports(
            VisitReports.Report(
                accountId: site.accountId, siteId: site.id, visitorId: vid, sessionId: sid, pageId: body.pageId,
                attributes: attributes, impressions: impressions))
        var reply = ReportAnswer(answer)
        reply.warnings = warnings.isEmpty ? nil : warnings
        return try Self.json(reply, status: started ? .created : .ok, headers: cors)
    }

    /// The page view, for the visitor its identities name when it gives no `vid` (a new
    /// visitor counts against the new-visitor limits); the identities are remembered with the
    /// visitor at the start of each visit.
    private func continuedVisit(
        _ pageView: inout PageViews.PageView, identities: [VisitorIdentities.Identity], request: Request,
        context: AppRequestContext
    ) async throws -> PageViews.Answer {
        let presented = pageView.visitorId.flatMap(VisitToken.init) != nil
        var known: String?
        if !presented, !identities.isEmpty {
            known = try await self.identities.visitor(for: identities, accountId: pageView.accountId)
            if let known { (pageView.visitorId, pageView.sessionId) = (known, nil) }
        }
        if pageView.visitorId.flatMap(VisitToken.init) == nil {
            try await limits.newVisitor(request, context, accountId: pageView.accountId)
        }
        let answer = try await pageViews(pageView)
        // Written once per visit (or when the lookup named another visitor), not on every page view.
        if !identities.isEmpty, answer.created || (!presented && known != answer.visitorId.description) {
            try await self.identities.remember(
                identities, visitorId: answer.visitorId.description, accountId: pageView.accountId, at: clock.now())
        }
        return answer
    }

    /// LivePerson's `identities` (each needs a `sub`) and `consumerId`, bounded.
    static func identities(_ list: [Identity]?, consumerId: String?) throws -> [VisitorIdentities.Identity] {
        var result: [VisitorIdentities.Identity] = []
        for (position, identity) in (list ?? []).enumerated() {
            guard let sub = identity.sub, !sub.isEmpty else {
                throw BeckonError.invalidInput(field: "identities[\(position)].sub", reason: "is required")
            }
            try limit(sub, field: "identities[\(position)].sub", 256)
            try limit(identity.iss, field: "identities[\(position)].iss", 256)
            result.append(.init(issuer: identity.iss ?? "", subject: sub))
        }
        if let consumerId, !consumerId.isEmpty {
            try limit(consumerId, field: "consumerId", 256)
            result.append(.consumer(consumerId))
        }
        guard result.count <= 10 else { throw BeckonError.invalidInput(field: "identities", reason: "at most 10") }
        return result
    }

    /// The page view a request describes, and the SDEs refused on their own (SPEC §4: one
    /// malformed SDE does not sink the page view).
    private func pageView(
        _ body: EngagementRequest, request: Request, context: AppRequestContext, site: Site
    ) throws -> (PageViews.PageView, [Warning]) {
        let entryPoints = body.entryPoints ?? []
        guard entryPoints.count <= Self.maxEntryPoints else {
            throw BeckonError.invalidInput(field: "entryPoints", reason: "at most \(Self.maxEntryPoints) entry points")
        }
        var url = body.page?.url
        var sections = body.sections ?? []
        var language: String?
        for entry in entryPoints {
            if entry.hasPrefix("sec://") {
                sections.append(String(entry.dropFirst(6)))
            } else if entry.hasPrefix("lang://") {
                language = String(entry.dropFirst(7))
            } else if url == nil, entry.hasPrefix("http://") || entry.hasPrefix("https://") {
                url = entry
            }
        }
        // No URL is fine (an app, an IVR, a server-side call: LivePerson's entryPoints are
        // optional): the visit is tracked, URL rules don't match, section rules do.
        try Self.limit(url, field: "page.url", 4096)
        try Self.limit(body.page?.title, field: "page.title", 1024)
        try Self.limit(body.page?.referrer, field: "page.referrer", 4096)
        try Self.limit(body.pageId, field: "pageId", 64)
        guard sections.count <= 20 else { throw BeckonError.invalidInput(field: "sections", reason: "at most 20 sections") }
        for (position, section) in sections.enumerated() { try Self.limit(section, field: "sections[\(position)]", 100) }
        let items = body.engagementAttributes ?? []
        guard items.count <= Self.maxAttributes else {
            throw BeckonError.invalidInput(field: "engagementAttributes", reason: "at most \(Self.maxAttributes) per request")
        }
        var warnings: [Warning] = []
        let attributes = items.enumerated().compactMap { position, item in
            Self.pageAttribute(item, field: "engagementAttributes[\(position)]", warnings: &warnings)
        }
        let properties = body.clientProperties
        let query = request.uri.queryParameters
        let address: String?
        if query.get("obh") == "true" {
            // On behalf of the visitor: the caller is the brand's server, the visitor's address is
            // the one it names (never the caller's).
            address = try properties?.ipAddress.map(Self.ipAddress)
        } else {
            address = context.clientAddress(request, trustForwardedFor: trustForwardedFor)
        }
        let client = ClientInfo(
            deviceFamily: properties?.deviceFamily, os: properties?.os ?? properties?.osName, osVersion: properties?.osVersion,
            appVersion: properties?.appVersion, browser: properties?.browser,
            userAgent: request.headers[.userAgent].map { String($0.prefix(512)) }, ipAddress: address)
        let pageView = PageViews.PageView(
            accountId: site.accountId, siteId: site.id, visitorId: query.get("vid"), sessionId: query.get("sid"),
            pageId: body.pageId, url: url ?? "", title: body.page?.title, referrer: body.page?.referrer, sections: sections,
            language: language, client: client, attributes: attributes, trace: try wantsTrace(request, site: site))
        return (pageView, warnings)
    }

    /// `clientProperties.ipAddress` with `obh=true`: a real IPv4 or IPv6 address.
    static func ipAddress(_ text: String) throws -> String {
        var v4 = in_addr()
        var v6 = in6_addr()
        guard text.utf8.count <= 45, inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1 else {
            throw BeckonError.invalidInput(field: "clientProperties.ipAddress", reason: "must be an IPv4 or IPv6 address")
        }
        return text
    }

    /// `?debug=1` answers the decision trace, only with the site's debug key (header
    /// `X-Beckon-Debug-Key`, or `debugKey` in the query).
    private func wantsTrace(_ request: Request, site: Site) throws -> Bool {
        guard request.uri.queryParameters.get("debug") == "1" else { return false }
        guard let key = request.headers[.debugKey] ?? request.uri.queryParameters.get("debugKey"),
            site.matchesDebugKey(key)
        else { throw BeckonError.forbidden("debug=1 needs the site's debug key (X-Beckon-Debug-Key)") }
        return true
    }

    /// A page's SDE, or nil with a warning naming what is wrong with it.
    static func pageAttribute(_ item: JSONValue, field: String, warnings: inout [Warning]) -> EngagementAttribute? {
        do {
            guard case .object(let fields) = item else { throw BeckonError.invalidInput(field: field, reason: "must be an object") }
            return try pageAttribute(fields, field: field)
        } catch BeckonError.invalidInput(let inner, let reason) {
            warnings.append(Warning(field: inner, message: "\(inner): \(reason); this SDE was ignored"))
        } catch {
            warnings.append(Warning(field: field, message: "\(field): not understood; this SDE was ignored"))
        }
        return nil
    }

    /// A page's SDE: LivePerson's types (unknown fields kept); `convStatus` is the brand's to
    /// report (SPEC §6), never the page's.
    static func pageAttribute(_ fields: [String: JSONValue], field: String) throws -> EngagementAttribute {
        do {
            let attribute = try EngagementAttribute(fields: fields)
            if attribute.type == "convStatus" {
                throw BeckonError.invalidInput(
                    field: "\(field).type", reason: "convStatus is reported by the brand's Engagement Attributes API, not the page")
            }
            return attribute
        } catch let BeckonError.invalidInput(inner, reason) {
            throw BeckonError.invalidInput(field: inner.hasPrefix(field) ? inner : "\(field).\(inner)", reason: reason)
        }
    }

    /// `{type, campaign, engId, revision, eContext: [{type: "engagementContext", id}]}`; ids may
    /// come as numbers or numeric strings.
    static func impression(
        _ kind: ImpressionRecord.Kind, _ fields: [String: JSONValue], field: String
    ) throws
        -> VisitReports.Impression
    {
        func integer(_ name: String) -> Int64? {
            if let number = fields[name]?.number, number.rounded() == number { return Int64(exactly: number) }
            return fields[name]?.string.flatMap { Int64($0) }
        }
        guard let campaign = integer("campaign") else {
            throw BeckonError.invalidInput(field: "\(field).campaign", reason: "the campaign id is required")
        }
        guard let engagement = integer("engId") else {
            throw BeckonError.invalidInput(field: "\(field).engId", reason: "the engagement id is required")
        }
        let contexts = fields["eContext"]?.array ?? []
        let context = contexts.first { $0["type"]?.string == "engagementContext" } ?? contexts.first
        let id = context?["id"]?.string ?? context?["id"]?.number.map({ String(Int64($0)) })
        // LivePerson's own examples send impClose, impTimeout and impExpanded without eContext: they
        // apply to the engagement's latest context. A display or a click must name its context.
        if id == nil, kind == .impDisplay || kind == .impAccept {
            throw BeckonError.invalidInput(field: "\(field).eContext", reason: "the engagement context id is required")
        }
        return VisitReports.Impression(
            type: kind, campaignId: campaign, engagementId: engagement, revision: integer("revision").map(Int.init),
            contextId: id)
    }

    static func limit(_ text: String?, field: String, _ max: Int) throws {
        if let text, text.utf8.count > max {
            throw BeckonError.invalidInput(field: field, reason: "longer than \(max) bytes")
        }
    }

    /// LivePerson's monitoring API takes `v=1.0` and `v=1.1` (SPEC §4).
    static func checkVersion(_ request: Request) throws {
        if let version = request.uri.queryParameters.get("v"), !["1.0", "1", "1.1"].contains(version) {
            throw LPVersionError(version: String(version), supported: "v=1.0 or v=1.1")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: AppRequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw BeckonError.invalidInput(field: "body", reason: "must be a JSON object")
        }
        do {
            return try StrictJSON.decode(T.self, from: Data(buffer: buffer))
        } catch BeckonError.invalidInput(let field, _) where field == "body" {
            throw BeckonError.invalidInput(field: "body", reason: "must be a JSON object")
        }
    }

    // MARK: Site and CORS

    private func siteAndCORS(_ request: Request, _ context: AppRequestContext) async throws -> (Site, HTTPFields) {
        let accountText = try context.parameters.require("accountId")
        guard let accountId = try? AccountID(accountText) else { throw BeckonError.unknownAccount(accountText) }
        try await limits.request(request, context, endpoint: "monitoring", accountId: accountId)
        let siteId = try context.parameters.require("siteId")
        let site: Site
        do {
            site = try await sites.site(accountId: accountId, id: siteId)
        } catch BeckonError.notFound {
            throw UnknownAppInstallation(siteId: siteId)
        }
        var headers: HTTPFields = [.vary: "Origin"]
        if let origin = request.headers[.origin] {
            guard let normalized = try? Site.normalizeOrigin(origin), site.allowedOrigins.contains(normalized) else {
                throw BeckonError.forbidden("origin \(origin) is not among the site's allowed origins")
            }
            headers[.accessControlAllowOrigin] = origin
        }
        return (site, headers)
    }

    private func preflight(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        var (_, headers) = try await siteAndCORS(request, context)
        headers[.accessControlAllowMethods] = "POST, PUT, OPTIONS"
        headers[.accessControlAllowHeaders] = "Content-Type, X-HTTP-Method-Override, X-Beckon-Debug-Key"
        headers[.accessControlMaxAge] = "600"
        return Response(status: .noContent, headers: headers)
    }
}

/// A site id the account does not have: LivePerson's unknown app installation (404, internalCode 18).
struct UnknownAppInstallation: Error {
    var siteId: String
}

/// LivePerson's "illegal version" (400, internalCode 33).
struct LPVersionError: Error {
    var version: String
    var supported = "v=1.0"
}

extension HTTPField.Name {
    static let methodOverride = Self("X-HTTP-Method-Override")!
    static let debugKey = Self("X-Beckon-Debug-Key")!
}
