import Foundation

/// Where an engagement may appear (SPEC §8): pages matching any `include` rule and no `exclude`
/// rule. An empty `include` matches every page.
package struct EntryPoint: Hashable, Sendable, Codable {
    package enum Rule: Hashable, Sendable, Codable {
        case urlContains(String)
        case urlExact(String)
        case urlRegex(String)
        case section(String)

        enum CodingKeys: String, CodingKey, CaseIterable {
            case urlContains, urlExact, urlRegex, section
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let key = try container.singleKey(rule: "an entry point rule")
            let value = try container.decode(String.self, forKey: key)
            switch key {
            case .urlContains: self = .urlContains(value)
            case .urlExact: self = .urlExact(value)
            case .urlRegex: self = .urlRegex(value)
            case .section: self = .section(value)
            }
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .urlContains(let value): try container.encode(value, forKey: .urlContains)
            case .urlExact(let value): try container.encode(value, forKey: .urlExact)
            case .urlRegex(let value): try container.encode(value, forKey: .urlRegex)
            case .section(let value): try container.encode(value, forKey: .section)
            }
        }
    }

    package var include: [Rule]
    package var exclude: [Rule]

    package init(include: [Rule] = [], exclude: [Rule] = []) {
        self.include = include
        self.exclude = exclude
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        include = try container.decodeIfPresent([Rule].self, forKey: .include) ?? []
        exclude = try container.decodeIfPresent([Rule].self, forKey: .exclude) ?? []
    }

    enum CodingKeys: String, CodingKey { case include, exclude }

    /// Longest regex accepted: patterns are matched on every page view of every visitor.
    package static let maxPatternLength = 300

    package func validate(field: String = "entryPoint") throws(BeckonError) {
        for (list, rules) in [("include", include), ("exclude", exclude)] {
            for (index, rule) in rules.enumerated() {
                let path = "\(field).\(list)[\(index)]"
                switch rule {
                case .urlContains(let text), .urlExact(let text), .section(let text):
                    guard !text.isEmpty, text.unicodeScalars.count <= 2000 else {
                        throw .invalidInput(field: path, reason: "must be 1 to 2000 characters")
                    }
                case .urlRegex(let pattern):
                    guard !pattern.isEmpty, pattern.count <= Self.maxPatternLength else {
                        throw .invalidInput(field: path, reason: "a pattern is 1 to \(Self.maxPatternLength) characters")
                    }
                    guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                        throw .invalidInput(field: path, reason: "'\(pattern)' is not a valid regular expression")
                    }
                }
            }
        }
    }
}

/// An entry point with its regular expressions compiled once, for evaluation on the hot path.
package struct CompiledEntryPoint: Sendable {
    private enum Matcher: Sendable {
        case contains(String)
        case exact(String)
        case regex(SendableRegex)
        case section(String)

        func matches(_ facts: VisitFacts) -> Bool {
            switch self {
            case .contains(let text): facts.url.range(of: text, options: .caseInsensitive) != nil
            case .exact(let text): facts.url == text
            case .regex(let regex): regex.matches(facts.url)
            case .section(let name): facts.sections.contains { $0.caseInsensitiveCompare(name) == .orderedSame }
            }
        }
    }

    private let include: [Matcher]
    private let exclude: [Matcher]

    package init(_ entryPoint: EntryPoint) throws(BeckonError) {
        try entryPoint.validate()
        func compile(_ rule: EntryPoint.Rule) -> Matcher {
            switch rule {
            case .urlContains(let text): .contains(text)
            case .urlExact(let text): .exact(text)
            case .urlRegex(let pattern): .regex(SendableRegex(try! NSRegularExpression(pattern: pattern)))
            case .section(let name): .section(name)
            }
        }
        include = entryPoint.include.map(compile)
        exclude = entryPoint.exclude.map(compile)
    }

    package func matches(_ facts: VisitFacts) -> Bool {
        (include.isEmpty || include.contains { $0.matches(facts) }) && !exclude.contains { $0.matches(facts) }
    }
}

/// `NSRegularExpression` is immutable once built and documented as thread-safe.
struct SendableRegex: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ regex: NSRegularExpression) { self.regex = regex }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
