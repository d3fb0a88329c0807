import Foundation

/// LivePerson's Visit Information answer for one live visit (SPEC §5,
/// reference/liveperson-api-contracts.md §2): `{appSessions: [session]}` with LivePerson's
/// stored names (`ctype` → `customerType`, `cart` → `cartStatus`, …), plus Beckon's
/// `conversationStatus`. `filter=agent` leaves out what an agent does not need: the raw event log,
/// the IP address and the user agent.
public enum VisitInformation {
    public static func document(visit: LiveVisit, now: Int64, forAgent: Bool) -> JSONValue {
        var session: [String: JSONValue] = [
            "id": .string(visit.id.description),
            "startTime": .number(Double(visit.startedAt)),
            "deviceFamily": .string(visit.client?.deviceFamily?.uppercased() ?? "DESKTOP"),
            "deviceOS": visit.client?.os.map(JSONValue.string) ?? .null,
            "mobileDeviceInfo": .object([
                "mobile": .bool(visit.client?.platform != .desktop && visit.client != nil),
                "detected": .bool(visit.client?.deviceFamily != nil),
            ]),
            "geo": .object(["countryCode": visit.client?.country.map(JSONValue.string) ?? .null]),
            "externalReferrer": visit.pages.first?.referrer.map(JSONValue.string) ?? .null,
            "searchEngine": .object([
                "keywords": .string(visit.signals.searchKeywords.joined(separator: " "))
            ]),
            "engagements": .array(engagements(visit)),
            "pages": .array(pages(visit, now: now)),
        ]
        if !forAgent {
            session["ipv4"] = visit.client?.ipAddress.map(JSONValue.string) ?? .null
            session["userAgent"] = visit.client?.userAgent.map(JSONValue.string) ?? .null
            session["events"] = .array(visit.attributes.compactMap(event))
        }
        func latest(_ type: String) -> JSONValue? {
            visit.attributes.last { $0.attribute.type == type }.map { JSONValue.object($0.attribute.fields) }
        }
        if let personal = latest("personal")?["personal"] { session["personalInfo"] = .object(["personalInfo": personalInfo(personal)]) }
        if let info = latest("ctmrinfo")?["info"] { session["customerInfo"] = .object(["customerInfo": customerInfo(info)]) }
        if let cart = latest("cart") { session["cart"] = .object(["cartStatus": without(cart, "type")]) }
        if let info = latest("mrktInfo")?["info"] {
            session["marketingCampaignInfo"] = .object(["marketingCampaignInfo": renamed(info, ["channel": "originatingChannel"])])
        }
        session["viewedProduct"] = .array(
            visit.attributes.filter { $0.attribute.type == "prodView" }.flatMap { $0.attribute.fields["products"]?.array ?? [] })
        session["purchases"] = .array(repeated(visit, "purchase", key: { $0["orderId"] }, flag: "repeatedOrderId", from: nil))
        session["leads"] = .array(repeated(visit, "lead", key: { $0["leadId"] }, flag: "repeatedLeadId", from: "lead"))
        session["serviceActivity"] = .array(
            repeated(
                visit, "service", key: { s in .array([s["serviceId"] ?? .null, s["topic"] ?? .null, s["status"] ?? .null]) },
                flag: "repeatedServiceActivity", from: "service"))
        session["visitorError"] = .array(
            visit.attributes.filter { $0.attribute.type == "error" }.compactMap { $0.attribute.fields["error"] })
        session["conversationStatus"] = conversationStatus(visit)
        return .object(["appSessions": .array([.object(session)])])
    }

    static func engagements(_ visit: LiveVisit) -> [JSONValue] {
        visit.contexts.enumerated().map { offset, context in
            var item: [String: JSONValue] = [
                "id": .string(String(offset + 1)),
                "engagement": .object([
                    "state": .number(1),
                    "pageId": .string(context.pageId),
                    "campaignEntity": .object(["id": .number(Double(context.campaignId))]),
                    "engagementEntity": .object([
                        "id": .number(Double(context.engagementId)), "revision": .number(Double(context.revision)),
                        "type": .string(context.type.rawValue),
                    ]),
                ]),
                "displayed": .bool(context.displayedAt != nil),
            ]
            if let clicked = context.clickedAt {
                item["impressionAccepted"] = .array([
                    .object(["activityTime": .number(Double(clicked)), "pageId": .string(context.pageId)])
                ])
            }
            if let status = context.callStatus { item["callStatus"] = .string(status.rawValue) }
            return .object(item)
        }
    }

    static func pages(_ visit: LiveVisit, now: Int64) -> [JSONValue] {
        visit.pages.enumerated().map { offset, page in
            let end = offset + 1 < visit.pages.count ? visit.pages[offset + 1].startedAt : now
            let basic: [String: JSONValue] = [
                "url": .string(page.url), "title": page.title.map(JSONValue.string) ?? .null,
                "referrer": page.referrer.map(JSONValue.string) ?? .null, "sections": .array(page.sections.map(JSONValue.string)),
                "startTime": .number(Double(page.startedAt)),
            ]
            return .object([
                "id": .string(page.id), "url": .string(page.url), "pageTitle": page.title.map(JSONValue.string) ?? .null,
                "startTime": .number(Double(page.startedAt)), "timeOnPage": .number(Double(max(0, end - page.startedAt))),
                "pageLoaded": .bool(true), "referrer": page.referrer.map(JSONValue.string) ?? .null, "pageBasic": .object(basic),
            ])
        }
    }

    static func personalInfo(_ personal: JSONValue) -> JSONValue {
        var info = renamed(personal, ["firstname": "name", "lastname": "surname", "age": "customerAge"])
        if case .object(var fields) = info, let age = fields["customerAge"] {
            fields["customerAge"] = renamed(
                age,
                ["age": "customerAgeInYears", "year": "customerYearOfBirth", "month": "customerMonthOfBirth", "day": "customerDateOfBirth"])
            info = .object(fields)
        }
        return info
    }

    static func customerInfo(_ info: JSONValue) -> JSONValue {
        renamed(info, ["ctype": "customerType", "cstatus": "customerStatus"])
    }

    /// Each attribute of `type` in order, with `flag` true when its key repeats an earlier one.
    static func repeated(
        _ visit: LiveVisit, _ type: String, key: (JSONValue) -> JSONValue?, flag: String, from field: String?
    ) -> [JSONValue] {
        var seen = Set<JSONValue>()
        return visit.attributes.filter { $0.attribute.type == type }.map { reported in
            let whole = JSONValue.object(reported.attribute.fields)
            let value = field.flatMap { whole[$0] } ?? without(whole, "type")
            var fields: [String: JSONValue] = if case .object(let object) = value { object } else { [:] }
            if let id = key(value), id != .null {
                fields[flag] = .bool(!seen.insert(id).inserted)
            } else {
                fields[flag] = .bool(false)
            }
            return .object(fields)
        }
    }

    /// The current status of the visit's most recent call, with the details of its reports: every
    /// report of that call (since its click) in order, so a `callId` or `agentId` given once is
    /// kept, then the latest report of the current status on top (a late, older status never wins).
    static func conversationStatus(_ visit: LiveVisit) -> JSONValue {
        guard let position = visit.contexts.lastIndex(where: { $0.callStatus != nil }),
            let status = visit.contexts[position].callStatus
        else { return .null }
        let contextId = String(position + 1)
        let since = visit.contexts[position].clickedAt ?? 0
        let reports = visit.attributes.filter { reported in
            reported.attribute.type == "convStatus" && reported.attribute.fields["contextId"]?.string == contextId
                && reported.at >= since
        }
        let current = reports.last { $0.attribute.fields["status"]?.string == status.rawValue }
        var fields: [String: JSONValue] = [:]
        for report in reports + (current.map { [$0] } ?? []) {
            for (name, value) in report.attribute.fields where name != "type" { fields[name] = value }
        }
        fields["contextId"] = .string(contextId)
        fields["status"] = .string(status.rawValue)
        if let current { fields["updatedAt"] = .number(Double(current.at)) }
        return .object(fields)
    }

    /// One entry of the raw log: keyed by LivePerson's stored name of the kind.
    static func event(_ reported: LiveVisit.Reported) -> JSONValue? {
        let names = [
            "mrktInfo": "marketingCampaignInfo", "lead": "lead", "cart": "cartStatus", "purchase": "purchase",
            "prodView": "viewedProduct", "ctmrinfo": "customerInfo", "personal": "personalInfo", "service": "serviceActivity",
            "error": "visitorError", "searchInfo": "searchInfo", "convStatus": "conversationStatus",
        ]
        let type = reported.attribute.type
        var entry: [String: JSONValue] = [
            names[type] ?? type: without(.object(reported.attribute.fields), "type"),
            "serverTimeStamp": .number(Double(reported.at)),
            "source": .string(reported.source.rawValue),
        ]
        if let pageId = reported.pageId { entry["contexts"] = .object(["page": .object(["id": .string(pageId)])]) }
        return .object(entry)
    }

    static func renamed(_ value: JSONValue, _ names: [String: String]) -> JSONValue {
        guard case .object(let fields) = value else { return value }
        var result: [String: JSONValue] = [:]
        for (key, field) in fields { result[names[key] ?? key] = field }
        return .object(result)
    }

    static func without(_ value: JSONValue, _ key: String) -> JSONValue {
        guard case .object(var fields) = value else { return value }
        fields[key] = nil
        return .object(fields)
    }
}

extension VisitTracker {
    /// A copy of the live visit for the Visit Information API; errors as for the other brand
    /// APIs (37, 39, 12).
    public func liveVisitForBrand(accountId: AccountID, visitorId: String, sessionId: String) async throws -> LiveVisit {
        let (key, session, now) = try await brandAccess(accountId: accountId, visitorId: visitorId, sessionId: sessionId)
        let liveWindowMs = settings.liveWindow.milliseconds
        return try store.withVisitor(key) { state in
            guard let visit = state?.visit(session), visit.isOpenToBrand(now: now.millisecondsSince1970, liveWindowMs: liveWindowMs)
            else { throw BeckonError.notFound("live visit (it is unknown, or its 6-hour window has passed)") }
            return visit
        }
    }
}
