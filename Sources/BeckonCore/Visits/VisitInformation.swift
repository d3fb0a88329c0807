import Foundation

/// LivePerson's Visit Information answer for one live visit (SPEC §5,
/// reference/liveperson-api-contracts.md §2), field for field as LivePerson's documented example:
/// `{id, appSessions: [session]}`, the attributes under LivePerson's stored names (`ctype` →
/// `customerType`, `cart` → `cartStatus`, …) with every key of LivePerson's shape present (null when
/// not reported), `events[]` as single-key objects, plus Beckon's extensions (`conversationStatus`,
/// `beckonType`, an engagement's `displayed` and `callStatus`, an event's `source`).
/// `filter=agent` leaves out only the internal ones: `displayed`, `callStatus`, `beckonType`, `source`.
package enum VisitInformation {
    package static func document(visit: LiveVisit, now: Int64, forAgent: Bool) -> JSONValue {
        let referrer = visit.pages.first?.referrer
        let search = referrer.flatMap(SearchReferrer.init(referrer:))
        let keywords = [search?.keywords].compactMap { $0 } + visit.signals.searchKeywords
        var session: [String: JSONValue] = [
            "id": .string(visit.id.description),
            "startTime": .number(Double(visit.startedAt)),
            "ipv4": optional(visit.client?.ipAddress),
            "userAgent": optional(visit.client?.userAgent),
            "deviceFamily": .string(visit.client?.deviceFamily?.uppercased() ?? "DESKTOP"),
            "deviceOS": optional(visit.client?.os),
            "mobileDeviceInfo": .object([
                "mobile": .bool(visit.client?.platform != .desktop && visit.client != nil),
                "detected": .bool(visit.client?.deviceFamily != nil),
            ]),
            "geo": .object([
                "country": .null, "countryCode": optional(visit.client?.country), "state": .null, "city": .null,
                "isp": .null, "org": .null,
            ]),
            "externalReferrer": .string(referrer ?? ""),
            "searchEngine": .object([
                "searchEngine": .string(search?.engine ?? ""), "keywords": .string(keywords.joined(separator: " ")),
            ]),
            // Beckon's control groups are per campaign; a visitor with an engagement was in the test group.
            "siteControlGroup": .string("NA"),
            "revActiveVPs": .object([:]), "revAllVPs": .object([:]), "revActiveVBs": .object([:]), "revAllVBs": .object([:]),
            "revAllOSLs": .object([:]),
            "engagements": .array(engagements(visit, forAgent: forAgent)),
            "pages": .array(pages(visit, now: now)),
            "events": .array(visit.attributes.compactMap { event($0, forAgent: forAgent) }),
        ]
        func latest(_ type: String) -> LiveVisit.Reported? { visit.attributes.last { $0.attribute.type == type } }
        func all(_ type: String) -> [JSONValue] {
            visit.attributes.filter { $0.attribute.type == type }.map { .object($0.attribute.fields) }
        }
        if let personal = latest("personal")?.attribute.fields["personal"] {
            session["personalInfo"] = .object(["personalInfo": personalInfo(personal)])
        }
        if let info = latest("ctmrinfo")?.attribute.fields["info"] {
            session["customerInfo"] = .object(["customerInfo": customerInfo(info)])
        }
        let carts = all("cart")
        if let cart = carts.last {
            let previous = carts.dropLast().last?["total"]?.number ?? 0
            session["cart"] = .object([
                "cartStatus": cartStatus(cart),
                "lastTotalChange": cart["total"]?.number.map { .number($0 - previous) } ?? .null,
            ])
        }
        if let info = latest("mrktInfo")?.attribute.fields["info"] {
            session["marketingCampaignInfo"] = .object(["marketingCampaignInfo": marketingInfo(info)])
        }
        session["viewedProduct"] = .array(all("prodView").flatMap { $0["products"]?.array ?? [] })
        session["purchases"] = .array(
            numbered(all("purchase").map(purchase), key: { $0["orderId"] }, sequence: "purchaseSeqId", flag: "repeatedOrderId"))
        session["leads"] = .array(
            numbered(all("lead").map { lead($0["lead"]) }, key: { $0["leadId"] }, sequence: "leadSeqId", flag: "repeatedLeadId"))
        session["serviceActivity"] = .array(
            numbered(
                all("service").map { serviceActivity($0["service"]) },
                key: { s in .array([s["serviceId"] ?? .null, s["topic"] ?? .null, s["status"] ?? .null]) },
                sequence: "serviceSeqId", flag: "repeatedServiceActivity"))
        session["visitorError"] = .array(all("error").map { visitorError($0["error"]) })
        session["conversationStatus"] = conversationStatus(visit)
        return .object(["id": .string(visit.id.description), "appSessions": .array([.object(session)])])
    }

    // MARK: Engagements and pages

    static func engagements(_ visit: LiveVisit, forAgent: Bool) -> [JSONValue] {
        visit.contexts.enumerated().map { offset, context in
            var engagementEntity: [String: JSONValue] = [
                "id": .number(Double(context.engagementId)), "revision": .number(Double(context.revision)),
                "channel": .number(Double(LivePersonCodes.webChannel)),
                "type": .number(Double(LivePersonCodes.engagementType(context.placement))),
                "isOffsiteEngagement": .bool(false), "activeVBs": .object([:]), "activeOSLs": .object([:]),
                "engagementSkill": .object(["skillId": .number(-1), "skillName": .null]), "surveySkills": .array([]),
                "availabilityPolicy": .number(0), "renderingType": .number(0), "conversationType": .number(0),
            ]
            if !forAgent { engagementEntity["beckonType"] = .string(context.type.rawValue) }
            let campaignRevision = optional(context.campaignRevision.map(Double.init))
            let goal: JSONValue =
                context.goal.map { kind in
                    .object([
                        "id": .number(Double(context.campaignId)), "revision": campaignRevision,
                        "type": .number(Double(LivePersonCodes.goalType(kind))),
                        "indicatorType": .number(Double(LivePersonCodes.goalType(kind))),
                    ])
                } ?? .null
            var item: [String: JSONValue] = [
                "id": .string(String(offset + 1)),
                "engagement": .object([
                    "state": .number(1), "zoneId": .null, "pageId": .string(context.pageId),
                    "firstFollowMeEngagementContextId": .null, "campaignControl": .string("TEST"),
                    "campaignEntity": .object([
                        "id": .number(Double(context.campaignId)), "revision": campaignRevision,
                        // A Beckon goal is part of its campaign, so it has the campaign's id.
                        "goalId": context.goal == nil ? .null : .number(Double(context.campaignId)),
                        "campaignEventSequence": .null, "activeVPs": .object([:]),
                    ]),
                    "engagementEntity": .object(engagementEntity),
                    "goalEntity": goal,
                ]),
            ]
            if !forAgent {
                item["displayed"] = .bool(context.displayedAt != nil)
                if let status = context.callStatus { item["callStatus"] = .string(status.rawValue) }
            }
            if let clicked = context.clickedAt {
                item["impressionAccepted"] = .array([
                    .object(["activityTime": .number(Double(clicked)), "pageId": .string(context.pageId)])
                ])
            }
            return .object(item)
        }
    }

    static func pages(_ visit: LiveVisit, now: Int64) -> [JSONValue] {
        visit.pages.enumerated().map { offset, page in
            let end = offset + 1 < visit.pages.count ? visit.pages[offset + 1].startedAt : now
            let basic: [String: JSONValue] = [
                "url": .string(page.url), "title": optional(page.title), "referrer": optional(page.referrer),
                "sections": page.sections.isEmpty ? .null : .array(page.sections.map(JSONValue.string)),
                "startTime": .number(Double(page.startedAt)),
            ]
            return .object([
                "id": .string(page.id), "url": .string(page.url), "pageTitle": optional(page.title),
                "startTime": .number(Double(page.startedAt)), "timeOnPage": .number(Double(max(0, end - page.startedAt))),
                "pageLoaded": .bool(true), "referrer": optional(page.referrer), "pageBasic": .object(basic),
                "revActiveOSLs": .object([:]),
            ])
        }
    }

    // MARK: Attributes under LivePerson's stored names

    static func personalInfo(_ personal: JSONValue) -> JSONValue {
        var info = shaped(
            renamed(personal, ["firstname": "name", "lastname": "surname", "age": "customerAge"]),
            ["name", "surname", "customerAge", "contacts", "gender", "company", "language"])
        if case .object(var fields) = info, let age = fields["customerAge"], age != .null {
            fields["customerAge"] = shaped(
                renamed(
                    age,
                    [
                        "age": "customerAgeInYears", "year": "customerYearOfBirth", "month": "customerMonthOfBirth",
                        "day": "customerDateOfBirth",
                    ]),
                ["customerAgeInYears", "customerYearOfBirth", "customerMonthOfBirth", "customerDateOfBirth"])
            info = .object(fields)
        }
        return info
    }

    static func customerInfo(_ info: JSONValue) -> JSONValue {
        shaped(
            renamed(info, ["ctype": "customerType", "cstatus": "customerStatus"]),
            [
                "customerStatus", "customerType", "balance", "customerId", "lastPaymentDate", "registrationDate", "loginStatus",
                "companyBranch", "socialId", "imei", "userName", "companySize", "accountName", "role", "storeZipCode",
                "storeNumber",
            ])
    }

    static func marketingInfo(_ info: JSONValue) -> JSONValue {
        var fields = shaped(renamed(info, ["channel": "originatingChannel"]), ["originatingChannel", "affiliate", "campaignId"])
        // LivePerson's example sends the channel as text ("1") and stores the integer.
        if let channel = fields["originatingChannel"]?.number, case .object(var object) = fields {
            object["originatingChannel"] = .number(channel)
            fields = .object(object)
        }
        return fields
    }

    static func cartStatus(_ cart: JSONValue) -> JSONValue { shaped(without(cart, "type"), ["total", "numItems", "products"]) }

    static func purchase(_ purchase: JSONValue) -> JSONValue {
        var fields = shaped(without(purchase, "type"), ["total", "orderId"])
        if case .object(var object) = fields {
            object["cart"] = object["cart"].map(cartStatus) ?? .null
            fields = .object(object)
        }
        return fields
    }

    static func lead(_ lead: JSONValue?) -> JSONValue { shaped(lead ?? .null, ["topic", "value", "ticketId", "leadId"]) }

    static func serviceActivity(_ service: JSONValue?) -> JSONValue {
        shaped(service ?? .null, ["topic", "status", "category", "serviceId"])
    }

    static func visitorError(_ error: JSONValue?) -> JSONValue {
        shaped(error ?? .null, ["contextId", "message", "code", "level", "resolved"])
    }

    /// The items in order, each with its 1-based position in `sequence` and `flag` true when its
    /// key repeats an earlier one (LivePerson's `purchaseSeqId`/`repeatedOrderId` and kin).
    static func numbered(
        _ items: [JSONValue], key: (JSONValue) -> JSONValue?, sequence: String, flag: String
    ) -> [JSONValue] {
        var seen = Set<JSONValue>()
        return items.enumerated().map { offset, item in
            var fields: [String: JSONValue] = if case .object(let object) = item { object } else { [:] }
            fields[sequence] = .string(String(offset + 1))
            if let id = key(item), id != .null {
                fields[flag] = .bool(!seen.insert(id).inserted)
            } else {
                fields[flag] = .bool(false)
            }
            return .object(fields)
        }
    }

    // MARK: The raw log

    /// One entry of the raw log, as LivePerson stores it: `{<storedName>: {serverTimeStamp,
    /// contexts, …payload}}`, the payload nested under the stored name again for the kinds that
    /// LivePerson nests (`customerInfo.customerInfo`, …) and flat for the others (`cartStatus`, …).
    static func event(_ reported: LiveVisit.Reported, forAgent: Bool) -> JSONValue? {
        let fields = JSONValue.object(reported.attribute.fields)
        let name: String
        var entry: [String: JSONValue]
        switch reported.attribute.type {
        case "mrktInfo": (name, entry) = ("marketingCampaignInfo", ["marketingCampaignInfo": marketingInfo(fields["info"] ?? .null)])
        case "lead": (name, entry) = ("lead", ["lead": lead(fields["lead"])])
        case "ctmrinfo": (name, entry) = ("customerInfo", ["customerInfo": customerInfo(fields["info"] ?? .null)])
        case "personal": (name, entry) = ("personalInfo", ["personalInfo": personalInfo(fields["personal"] ?? .null)])
        case "service": (name, entry) = ("serviceActivity", ["serviceActivity": serviceActivity(fields["service"])])
        case "error": (name, entry) = ("visitorError", ["visitorError": visitorError(fields["error"])])
        case "cart": (name, entry) = ("cartStatus", object(cartStatus(fields)))
        case "prodView": (name, entry) = ("viewedProduct", object(shaped(without(fields, "type"), ["products"])))
        case "purchase":
            name = "purchase"
            entry = object(purchase(fields))
            if case .object(var cart)? = entry["cart"] {
                cart["serverTimeStamp"] = .number(0)
                cart["contexts"] = .object([:])
                entry["cart"] = .object(cart)
            }
        case "convStatus": (name, entry) = ("conversationStatus", object(without(fields, "type")))
        case let other: (name, entry) = (other, object(without(fields, "type")))
        }
        entry["serverTimeStamp"] = .number(Double(reported.at))
        entry["contexts"] = reported.pageId.map { .object(["page": .object(["id": .string($0)])]) } ?? .object([:])
        if !forAgent { entry["source"] = .string(reported.source.rawValue) }
        return .object([name: .object(entry)])
    }

    // MARK: Beckon's call status

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

    // MARK: Helpers

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    static func optional(_ number: Double?) -> JSONValue { number.map(JSONValue.number) ?? .null }

    static func object(_ value: JSONValue) -> [String: JSONValue] {
        if case .object(let fields) = value { return fields }
        return [:]
    }

    /// `value` with every one of `keys` present (null when it was not reported); other keys kept.
    static func shaped(_ value: JSONValue, _ keys: [String]) -> JSONValue {
        var fields = object(value)
        for key in keys where fields[key] == nil { fields[key] = .null }
        return .object(fields)
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

/// LivePerson's integer codes where its answers use them (Visit Information, the tag's
/// `engagementType`).
package enum LivePersonCodes {
    /// Every Beckon engagement is on the web.
    package static let webChannel = 1

    /// The Engagement Trigger API's `engagementType`: 1 overlay, 2 toaster, 3 slide-out,
    /// 5 embedded, 6 sticky (0, the peeling corner, Beckon does not have).
    package static func engagementType(_ placement: EngagementSettings.Placement) -> Int {
        switch placement {
        case .overlay: 1
        case .toaster: 2
        case .slideout: 3
        case .embedded: 5
        case .sticky: 6
        }
    }

    /// LivePerson does not publish its goal type codes; Beckon's follow the order of LivePerson's
    /// goal list (1 generate leads, 2 sell, 3 service activity, 4 page views) and are documented in
    /// docs/brand-sdk.md.
    package static func goalType(_ kind: Goal.Kind) -> Int {
        switch kind {
        case .lead: 1
        case .purchase: 2
        case .serviceActivity: 3
        case .pageURL: 4
        }
    }
}
