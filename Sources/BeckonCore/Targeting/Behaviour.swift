import Foundation

/// What the visitor must have done (SPEC §8, visitor behaviour). All rules must hold.
/// Time on page is the one rule that becomes true by waiting: `secondsUntilMatch` tells the
/// caller when to ask again (`retryAfterMs`).
public struct Behaviour: Hashable, Sendable, Codable {
    public enum Rule: Hashable, Sendable, Codable {
        case timeOnPageSeconds(Int)
        case pageCount(min: Int)
        case visitedURLContains(String)
        case cartTotal(min: Double?, max: Double?)

        enum CodingKeys: String, CodingKey, CaseIterable {
            case timeOnPageSeconds, pageCount, visitedUrlContains, cartTotal
        }

        struct Range: Codable, Hashable {
            var min: Double?
            var max: Double?
        }

        struct Minimum: Codable, Hashable { var min: Int }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard container.allKeys.count == 1, let key = container.allKeys.first else {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription: "a behaviour rule has exactly one of "
                            + CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")))
            }
            switch key {
            case .timeOnPageSeconds: self = .timeOnPageSeconds(try container.decode(Int.self, forKey: key))
            case .pageCount: self = .pageCount(min: try container.decode(Minimum.self, forKey: key).min)
            case .visitedUrlContains: self = .visitedURLContains(try container.decode(String.self, forKey: key))
            case .cartTotal:
                let range = try container.decode(Range.self, forKey: key)
                self = .cartTotal(min: range.min, max: range.max)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .timeOnPageSeconds(let seconds): try container.encode(seconds, forKey: .timeOnPageSeconds)
            case .pageCount(let min): try container.encode(Minimum(min: min), forKey: .pageCount)
            case .visitedURLContains(let text): try container.encode(text, forKey: .visitedUrlContains)
            case .cartTotal(let min, let max): try container.encode(Range(min: min, max: max), forKey: .cartTotal)
            }
        }
    }

    public var all: [Rule]

    public init(all: [Rule] = []) { self.all = all }

    public func validate(field: String = "behaviour") throws(BeckonError) {
        for (index, rule) in all.enumerated() {
            let path = "\(field).all[\(index)]"
            switch rule {
            case .timeOnPageSeconds(let seconds) where !(0...86400).contains(seconds):
                throw .invalidInput(field: "\(path).timeOnPageSeconds", reason: "must be 0 to 86400")
            case .pageCount(let min) where !(1...10_000).contains(min):
                throw .invalidInput(field: "\(path).pageCount.min", reason: "must be 1 to 10000")
            case .visitedURLContains(let text) where text.isEmpty:
                throw .invalidInput(field: "\(path).visitedUrlContains", reason: "must not be empty")
            case .cartTotal(let min, let max):
                if min == nil && max == nil {
                    throw .invalidInput(field: "\(path).cartTotal", reason: "give min, max or both")
                }
                if let min, let max, max < min {
                    throw .invalidInput(field: "\(path).cartTotal.max", reason: "\(max) is below min \(min)")
                }
            default: break
            }
        }
    }

    /// Outcome of the rules for a page view.
    public enum Evaluation: Equatable, Sendable {
        case matches
        case fails
        /// Everything else holds, and time on page will make it hold after this many seconds.
        case pending(seconds: Double)
    }

    public func evaluate(_ facts: VisitFacts) -> Evaluation {
        var wait = 0.0
        for rule in all {
            switch rule {
            case .timeOnPageSeconds(let seconds):
                wait = max(wait, Double(seconds) - facts.secondsOnPage)
            case .pageCount(let min):
                if facts.pageCount < min { return .fails }
            case .visitedURLContains(let text):
                if !facts.visitedURLs.contains(where: { $0.range(of: text, options: .caseInsensitive) != nil }) {
                    return .fails
                }
            case .cartTotal(let min, let max):
                guard let total = facts.cartTotal else { return .fails }
                if let min, total < min { return .fails }
                if let max, total > max { return .fails }
            }
        }
        return wait > 0 ? .pending(seconds: wait) : .matches
    }
}
