import Foundation

/// What the visitor must have done (SPEC §8, visitor behaviour). All rules must hold.
/// Time on page is the one rule that becomes true by waiting: `evaluate` then answers
/// `pending` with the seconds to wait, so the caller can answer `retryAfterMs`.
package struct Behaviour: Hashable, Sendable, Codable {
    /// One condition, written in JSON as an object with exactly one key: `{"timeOnPageSeconds": 20}`.
    package enum Rule: Hashable, Sendable {
        case timeOnPageSeconds(Int)
        case pageCount(min: Int)
        case visitedURLContains(String)
        case notVisitedURLContains(String)
        /// Pages visited in this order (each a URL fragment), other pages allowed between.
        case flow([String])
        case cartTotal(min: Double?, max: Double?)
        case cartDecreased
        case cartEmptied
        case productInCart(String)
        case viewedProduct(String)
        /// A visitor error was reported; a non-empty text must appear in it.
        case visitorError(String)
        /// A service activity was reported; a non-empty text must appear in its topic.
        case serviceActivity(String)
        case engagedInVisit(EngagedState)
        case notEngagedInVisit(EngagedState)
        /// Any call status for this visitor in the last N days (beyond LP).
        case calledWithinDays(Int)
        case notCalledWithinDays(Int)
    }

    package enum EngagedState: String, Hashable, Sendable, Codable {
        case exposed, declined, clicked
    }

    package var all: [Rule]

    package init(all: [Rule] = []) { self.all = all }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        all = try container.decodeIfPresent([Rule].self, forKey: .all) ?? []
    }

    enum CodingKeys: String, CodingKey { case all }

    package func validate(field: String = "behaviour") throws(BeckonError) {
        for (index, rule) in all.enumerated() {
            let path = "\(field).all[\(index)]"
            switch rule {
            case .timeOnPageSeconds(let seconds) where !(0...86400).contains(seconds):
                throw .invalidInput(field: "\(path).timeOnPageSeconds", reason: "must be 0 to 86400")
            case .pageCount(let min) where !(1...10_000).contains(min):
                throw .invalidInput(field: "\(path).pageCount.min", reason: "must be 1 to 10000")
            case .visitedURLContains(let text) where text.isEmpty,
                .notVisitedURLContains(let text) where text.isEmpty,
                .productInCart(let text) where text.isEmpty,
                .viewedProduct(let text) where text.isEmpty:
                throw .invalidInput(field: path, reason: "the text to look for must not be empty")
            case .flow(let steps) where steps.count < 2 || steps.contains(where: \.isEmpty):
                throw .invalidInput(field: "\(path).flow", reason: "give at least two non-empty URL fragments, in order")
            case .cartTotal(let min, let max):
                if min == nil && max == nil {
                    throw .invalidInput(field: "\(path).cartTotal", reason: "give min, max or both")
                }
                if let min, let max, max < min {
                    throw .invalidInput(field: "\(path).cartTotal.max", reason: "\(max) is below min \(min)")
                }
            case .calledWithinDays(let days) where !(1...365).contains(days),
                .notCalledWithinDays(let days) where !(1...365).contains(days):
                throw .invalidInput(field: path, reason: "days must be 1 to 365")
            default: break
            }
        }
    }

    /// Outcome of the rules for a page view.
    package enum Evaluation: Equatable, Sendable {
        case matches
        case fails
        /// Everything else holds, and time on page will make it hold after this many seconds.
        case pending(seconds: Double)
    }

    package func evaluate(_ facts: VisitFacts) -> Evaluation {
        var wait = 0.0
        for rule in all {
            if case .timeOnPageSeconds(let seconds) = rule {
                wait = max(wait, Double(seconds) - facts.secondsOnPage)
            } else if !rule.holds(for: facts) {
                return .fails
            }
        }
        return wait > 0 ? .pending(seconds: wait) : .matches
    }
}

extension Behaviour.Rule {
    func holds(for facts: VisitFacts) -> Bool {
        func anyContains(_ list: [String], _ text: String) -> Bool {
            list.contains { text.isEmpty || $0.range(of: text, options: .caseInsensitive) != nil }
        }
        switch self {
        case .timeOnPageSeconds(let seconds): return facts.secondsOnPage >= Double(seconds)
        case .pageCount(let min): return facts.pageCount >= min
        case .visitedURLContains(let text): return anyContains(facts.visitedURLs, text)
        case .notVisitedURLContains(let text): return !anyContains(facts.visitedURLs, text)
        case .flow(let steps):
            var remaining = steps[...]
            for url in facts.visitedURLs {
                guard let next = remaining.first else { break }
                if url.range(of: next, options: .caseInsensitive) != nil { remaining = remaining.dropFirst() }
            }
            return remaining.isEmpty
        case .cartTotal(let min, let max):
            guard let total = facts.cartTotal else { return false }
            if let min, total < min { return false }
            if let max, total > max { return false }
            return true
        case .cartDecreased: return facts.cartDecreased
        case .cartEmptied: return facts.cartEmptied
        case .productInCart(let text): return anyContains(facts.cartProducts, text)
        case .viewedProduct(let text): return anyContains(facts.viewedProducts, text)
        case .visitorError(let text): return anyContains(facts.errors, text)
        case .serviceActivity(let text): return anyContains(facts.serviceTopics, text)
        case .engagedInVisit(let state): return state.holds(for: facts)
        case .notEngagedInVisit(let state): return !state.holds(for: facts)
        case .calledWithinDays(let days): return facts.daysSinceLastCall.map { $0 <= Double(days) } ?? false
        case .notCalledWithinDays(let days): return facts.daysSinceLastCall.map { $0 > Double(days) } ?? true
        }
    }
}

extension Behaviour.EngagedState {
    func holds(for facts: VisitFacts) -> Bool {
        switch self {
        case .exposed: facts.exposedInVisit
        case .declined: facts.declinedInVisit
        case .clicked: facts.clickedInVisit
        }
    }
}

extension Behaviour.Rule: Codable {
    enum Key: String, CodingKey, CaseIterable {
        case timeOnPageSeconds, pageCount, visitedUrlContains, notVisitedUrlContains, flow, cartTotal, cartDecreased,
            cartEmptied, productInCart, viewedProduct, visitorError, serviceActivity, engagedInVisit, notEngagedInVisit,
            calledWithinDays, notCalledWithinDays
    }

    struct Range: Codable, Hashable {
        var min: Double?
        var max: Double?
    }

    struct Minimum: Codable, Hashable { var min: Int }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        let key = try container.singleKey(rule: "a behaviour rule")
        func text() throws -> String { try container.decode(String.self, forKey: key) }
        func number() throws -> Int { try container.decode(Int.self, forKey: key) }
        func flag() throws -> Bool {
            guard try container.decode(Bool.self, forKey: key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "only true is meaningful; leave the rule out instead")
            }
            return true
        }
        switch key {
        case .timeOnPageSeconds: self = .timeOnPageSeconds(try number())
        case .pageCount: self = .pageCount(min: try container.decode(Minimum.self, forKey: key).min)
        case .visitedUrlContains: self = .visitedURLContains(try text())
        case .notVisitedUrlContains: self = .notVisitedURLContains(try text())
        case .flow: self = .flow(try container.decode([String].self, forKey: key))
        case .cartTotal:
            let range = try container.decode(Range.self, forKey: key)
            self = .cartTotal(min: range.min, max: range.max)
        case .cartDecreased: _ = try flag(); self = .cartDecreased
        case .cartEmptied: _ = try flag(); self = .cartEmptied
        case .productInCart: self = .productInCart(try text())
        case .viewedProduct: self = .viewedProduct(try text())
        case .visitorError: self = .visitorError(try text())
        case .serviceActivity: self = .serviceActivity(try text())
        case .engagedInVisit: self = .engagedInVisit(try container.decode(Behaviour.EngagedState.self, forKey: key))
        case .notEngagedInVisit: self = .notEngagedInVisit(try container.decode(Behaviour.EngagedState.self, forKey: key))
        case .calledWithinDays: self = .calledWithinDays(try number())
        case .notCalledWithinDays: self = .notCalledWithinDays(try number())
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .timeOnPageSeconds(let seconds): try container.encode(seconds, forKey: .timeOnPageSeconds)
        case .pageCount(let min): try container.encode(Minimum(min: min), forKey: .pageCount)
        case .visitedURLContains(let text): try container.encode(text, forKey: .visitedUrlContains)
        case .notVisitedURLContains(let text): try container.encode(text, forKey: .notVisitedUrlContains)
        case .flow(let steps): try container.encode(steps, forKey: .flow)
        case .cartTotal(let min, let max): try container.encode(Range(min: min, max: max), forKey: .cartTotal)
        case .cartDecreased: try container.encode(true, forKey: .cartDecreased)
        case .cartEmptied: try container.encode(true, forKey: .cartEmptied)
        case .productInCart(let text): try container.encode(text, forKey: .productInCart)
        case .viewedProduct(let text): try container.encode(text, forKey: .viewedProduct)
        case .visitorError(let text): try container.encode(text, forKey: .visitorError)
        case .serviceActivity(let text): try container.encode(text, forKey: .serviceActivity)
        case .engagedInVisit(let state): try container.encode(state, forKey: .engagedInVisit)
        case .notEngagedInVisit(let state): try container.encode(state, forKey: .notEngagedInVisit)
        case .calledWithinDays(let days): try container.encode(days, forKey: .calledWithinDays)
        case .notCalledWithinDays(let days): try container.encode(days, forKey: .notCalledWithinDays)
        }
    }
}
