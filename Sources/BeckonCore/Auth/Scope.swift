/// What an API key may do (SPEC §9). `admin` includes every other scope.
package enum Scope: String, Sendable, Codable, CaseIterable, Comparable {
    case engagementValidate = "engagement:validate"
    case visitRead = "visit:read"
    case eventsWrite = "events:write"
    case reportsRead = "reports:read"
    case campaignsWrite = "campaigns:write"
    case admin

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a comma- or space-separated list such as `"visit:read,events:write"`; throws
    /// naming the first unknown scope and listing the known ones.
    package static func parseList(_ text: String) throws(BeckonError) -> Set<Scope> {
        let names = text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        return try parse(names)
    }

    package static func parse(_ names: [String]) throws(BeckonError) -> Set<Scope> {
        var scopes = Set<Scope>()
        for name in names {
            guard let scope = Scope(rawValue: name) else {
                let known = Scope.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidInput(field: "scopes", reason: "unknown scope '\(name)'; known scopes: \(known)")
            }
            scopes.insert(scope)
        }
        guard !scopes.isEmpty else { throw .invalidInput(field: "scopes", reason: "at least one scope is needed") }
        return scopes
    }
}

extension Set where Element == Scope {
    /// Whether a key holding these scopes may do what `needed` allows.
    package func permits(_ needed: Scope) -> Bool { contains(.admin) || contains(needed) }
}
