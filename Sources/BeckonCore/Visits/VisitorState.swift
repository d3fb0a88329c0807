import Foundation
import Synchronization

/// Everything the server holds about one visitor of one account: the visits still inside their
/// live window and the little history the decision needs across visits (proactive offers for
/// per-visitor caps, the last call for `calledWithinDays`).
///
/// It changes only through `apply`, for live requests and for journal replay alike.
package struct VisitorState: Sendable, Equatable {
    package var visits: [LiveVisit] = []
    /// Times of proactive offers, oldest first, at most `maxOfferHistory`.
    package var proactiveOfferTimes: [Int64] = []
    package var lastCallAt: Int64?
    package var lastActivityAt: Int64 = 0
    /// Times of Click to Call clicks (granted or refused), oldest first, at most `maxClickHistory`:
    /// click velocity is counted per visitor across visits (SPEC §13).
    package var clickTimes: [Int64] = []
    /// The visitor's block (dial authorization found it using too many numbers), if any.
    package var block: Block?
    /// The place of the visitor's latest event in the journal this copy holds (SPEC §14): the
    /// next change's events take the places after it.
    package var journalPosition: Int64 = 0
    /// Which copy this is: every new or rebuilt visitor is a new one (the journal fences the
    /// changes of a copy it refused).
    package private(set) var lineage = VisitorState.nextLineage()

    package struct Block: Sendable, Equatable {
        package var id: String
        /// Epoch ms; nil for a permanent block.
        package var until: Int64?

        package init(id: String, until: Int64?) {
            self.id = id
            self.until = until
        }

        package func holds(at now: Int64) -> Bool { until.map { now < $0 } ?? true }
    }

    static let maxOfferHistory = 200
    static let maxClickHistory = 64

    package init() {}

    private static let lineages = Atomic<UInt64>(0)
    private static func nextLineage() -> UInt64 { lineages.add(1, ordering: .relaxed).newValue }

    package func visit(_ id: VisitToken) -> LiveVisit? { visits.last { $0.id == id } }

    /// The visit `id` when it has had activity within `timeout` of `now`.
    package func activeVisit(_ id: VisitToken, now: Int64, timeoutMs: Int64) -> LiveVisit? {
        guard let visit = visit(id), now - visit.lastActivityAt < timeoutMs else { return nil }
        return visit
    }

    package mutating func apply(_ entry: VisitJournalEntry) {
        let at = entry.occurredAt.millisecondsSince1970
        if case .abuse(let record) = entry.event {
            // About the visitor, not visit activity: a block may be lifted long after the visit.
            switch record.action {
            case .visitorBlocked: if let id = record.blockId { block = Block(id: id, until: record.until) }
            case .blockLifted where record.blockId == block?.id: block = nil
            default: break
            }
            return
        }
        lastActivityAt = max(lastActivityAt, at)
        if case .pageView(let record) = entry.event, visit(entry.sessionId) == nil {
            visits.append(
                LiveVisit(
                    id: entry.sessionId, siteId: record.siteId, startedAt: at, lastActivityAt: at, returning: record.returning,
                    client: record.client, language: record.language))
        }
        if case .attribute(let record) = entry.event, record.attribute.type == "convStatus" {
            lastCallAt = max(lastCallAt ?? at, at)
        }
        guard let index = visits.lastIndex(where: { $0.id == entry.sessionId }) else { return }
        visits[index].lastActivityAt = max(visits[index].lastActivityAt, at)
        switch entry.event {
        case .pageView(let record): visits[index].apply(record, at: at)
        case .attribute(let record):
            visits[index].apply(record.attribute)
            visits[index].attributes.append(
                LiveVisit.Reported(attribute: record.attribute, at: at, pageId: record.pageId, source: record.source))
            if visits[index].attributes.count > LiveVisit.maxAttributes { visits[index].attributes.removeFirst() }
            if record.attribute.type == "convStatus" {
                visits[index].windowFixedAt = visits[index].windowFixedAt ?? at
                if let contextId = record.attribute.fields["contextId"]?.string, let position = Int(contextId),
                    position >= 1, position <= visits[index].contexts.count,
                    let status = record.attribute.fields["status"]?.string.flatMap(CallStatus.init(rawValue:))
                {
                    let current = visits[index].contexts[position - 1].callStatus
                    if current.map(status.follows) ?? true { visits[index].contexts[position - 1].callStatus = status }
                }
            }
        case .close: visits[index].windowFixedAt = visits[index].windowFixedAt ?? at
        case .decision(let record):
            for outcome in record.outcomes where outcome.outcome == .shown {
                visits[index].contexts.append(
                    LiveVisit.Context(
                        campaignId: outcome.campaignId, engagementId: outcome.engagementId, revision: outcome.revision,
                        type: outcome.type, proactive: outcome.proactive, placement: outcome.placement,
                        campaignRevision: outcome.campaignRevision, goal: outcome.goal, pageId: record.pageId, offeredAt: at))
                if outcome.proactive {
                    proactiveOfferTimes.append(at)
                    if proactiveOfferTimes.count > Self.maxOfferHistory { proactiveOfferTimes.removeFirst() }
                }
            }
        case .impression(let record):
            visits[index].apply(record, at: at)
            if record.type == .impAccept, let position = Int(record.contextId), position >= 1,
                position <= visits[index].contexts.count, visits[index].contexts[position - 1].type == .clickToCall
            {
                clickTimes.append(at)
                if clickTimes.count > Self.maxClickHistory { clickTimes.removeFirst() }
            }
        case .abuse: break
        case .validation(let record):
            if let position = Int(record.contextId), position >= 1, position <= visits[index].contexts.count {
                visits[index].contexts[position - 1].validations += 1
            }
        case .click(let record):
            if let position = Int(record.contextId), position >= 1, position <= visits[index].contexts.count {
                // A click again after a call ended (busy, unanswered, finished, abandoned) is a new
                // click-through: its own validations and call (issue 16). The abuse defences bound
                // how often a visitor may click.
                if visits[index].contexts[position - 1].click != nil {
                    visits[index].contexts[position - 1].validations = 0
                    visits[index].contexts[position - 1].callStatus = nil
                }
                visits[index].contexts[position - 1].click = record
                visits[index].contexts[position - 1].clickedAt = at
            }
        }
    }

    /// Drops visits whose live window (SPEC §7: 6 hours after the last activity) has passed.
    /// Returns whether anything is left worth keeping.
    package mutating func expire(now: Int64, liveWindowMs: Int64) -> Bool {
        visits.removeAll { now - $0.lastActivityAt >= liveWindowMs }
        return !visits.isEmpty
    }

    /// Click to Call clicks in the last `windowMs` before `now`, oldest first.
    func clicks(withinMs windowMs: Int64, of now: Int64) -> ArraySlice<Int64> {
        let start = clickTimes.firstIndex { $0 > now - windowMs } ?? clickTimes.endIndex
        return clickTimes[start...]
    }

    func proactiveOffers(sinceMs: Int64) -> Int {
        proactiveOfferTimes.reduce(0) { $0 + ($1 >= sinceMs ? 1 : 0) }
    }
}

extension LiveVisit {
    mutating func apply(_ record: PageViewRecord, at: Int64) {
        if let index = pages.lastIndex(where: { $0.id == record.pageId }) {
            // The same page asking again (time-based rules): only its sections may change.
            pages[index].sections = record.sections
            return
        }
        pages.append(
            Page(
                id: record.pageId, url: record.url, title: record.title, referrer: record.referrer,
                sections: record.sections, startedAt: at))
        if pages.count > Self.maxPages { pages.removeFirst() }
        pageCount += 1
        if let language = record.language { self.language = language }
    }

    mutating func apply(_ record: ImpressionRecord, at: Int64) {
        guard let position = Int(record.contextId), position >= 1, position <= contexts.count else { return }
        switch record.type {
        case .impDisplay, .impExpanded: contexts[position - 1].displayedAt = contexts[position - 1].displayedAt ?? at
        case .impAccept: contexts[position - 1].clickedAt = contexts[position - 1].clickedAt ?? at
        case .impClose: contexts[position - 1].closedAt = contexts[position - 1].closedAt ?? at
        case .impTimeout: break
        }
    }

    mutating func apply(_ attribute: EngagementAttribute) {
        let fields = JSONValue.object(attribute.fields)
        func productNames(_ list: JSONValue?) -> [String] {
            (list?.array ?? []).flatMap { item -> [String] in
                let product = item["product"] ?? item
                return [product["name"]?.string, product["sku"]?.string, product["category"]?.string].compactMap { $0 }
            }
        }
        func append(_ list: inout [String], _ values: [String], limit: Int = 50) {
            for value in values where !list.contains(value) { list.append(value) }
            if list.count > limit { list.removeFirst(list.count - limit) }
        }
        switch attribute.type {
        case "cart":
            let total = fields["total"]?.number
            let items = fields["numItems"]?.number
            if let previous = signals.cartTotal, let total, total < previous { signals.cartDecreased = true }
            if (signals.cartTotal ?? 0) > 0, total == 0 || items == 0 { signals.cartEmptied = true }
            signals.cartTotal = total
            signals.cartProducts = productNames(fields["products"])
        case "prodView": append(&signals.viewedProducts, productNames(fields["products"]))
        case "searchInfo": append(&signals.searchKeywords, (fields["keywords"]?.array ?? []).compactMap(\.string))
        case "mrktInfo":
            let info = fields["info"]
            signals.marketingSource = info?["affiliate"]?.string ?? info?["campaignId"]?.string ?? signals.marketingSource
        case "ctmrinfo":
            let info = fields["info"]
            signals.customerType = info?["ctype"]?.string ?? signals.customerType
            signals.customerStatus = info?["cstatus"]?.string ?? signals.customerStatus
            signals.customerBalance = info?["balance"]?.number ?? signals.customerBalance
            signals.customerId = info?["customerId"]?.string ?? signals.customerId
        case "personal":
            let personal = fields["personal"]
            if let age = personal?["age"]?["age"]?.number { signals.age = Int(age) }
            signals.gender = personal?["gender"]?.string ?? signals.gender
            signals.language = personal?["language"]?.string ?? signals.language
        case "error":
            let error = fields["error"]
            append(&signals.errors, [error?["message"]?.string, error?["code"]?.string].compactMap { $0 })
        case "service": append(&signals.serviceTopics, [fields["service"]?["topic"]?.string].compactMap { $0 })
        default: break
        }
    }

    /// The facts targeting rules see for the current page at `now`.
    func facts(visitor: VisitorState, now: Int64) -> VisitFacts {
        let page = currentPage
        return VisitFacts(
            url: page?.url ?? "", sections: page?.sections ?? [], platform: client?.platform ?? .desktop,
            country: client?.country, ipAddress: client?.ipAddress, referrer: pages.first?.referrer, returning: returning,
            language: signals.language ?? language, pageCount: pageCount,
            secondsOnPage: page.map { Double(max(0, now - $0.startedAt)) / 1000 } ?? 0, visitedURLs: pages.map(\.url),
            cartTotal: signals.cartTotal, cartDecreased: signals.cartDecreased, cartEmptied: signals.cartEmptied,
            cartProducts: signals.cartProducts, viewedProducts: signals.viewedProducts,
            searchKeywords: signals.searchKeywords, marketingSource: signals.marketingSource,
            customerType: signals.customerType, customerStatus: signals.customerStatus,
            customerBalance: signals.customerBalance, customerId: signals.customerId, age: signals.age,
            gender: signals.gender, errors: signals.errors, serviceTopics: signals.serviceTopics,
            exposedInVisit: !contexts.isEmpty, declinedInVisit: declined(chat: nil),
            clickedInVisit: contexts.contains { $0.clickedAt != nil },
            daysSinceLastCall: visitor.lastCallAt.map { Double(now - $0) / 86_400_000 })
    }
}
