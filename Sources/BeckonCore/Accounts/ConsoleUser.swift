public import Foundation

/// What a console user may do (SPEC §9). Enforced by the server, not only hidden in the page.
public enum ConsoleRole: String, Sendable, Codable, CaseIterable {
    case admin
    case campaignManager
    case analyst
}

/// A person who signs in to an account's console.
public struct ConsoleUser: Hashable, Sendable, Codable {
    public var id: String
    public var accountId: AccountID
    /// Stored lower-cased; unique within the account.
    public var email: String
    public var role: ConsoleRole
    /// A self-describing hash from `PasswordHasher`; never the password.
    public var passwordHash: String
    public var createdAt: Date

    public init(id: String, accountId: AccountID, email: String, role: ConsoleRole, passwordHash: String, createdAt: Date) {
        self.id = id
        self.accountId = accountId
        self.email = email
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

extension ConsoleUser {
    public static func makeID() -> String { "u_" + RandomToken.make(byteCount: 12) }

    /// Lower-cases and checks the address's shape (one `@`, a dot in the domain, no spaces).
    public static func normalizeEmail(_ text: String, field: String = "adminEmail") throws(BeckonError) -> String {
        let email = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !email.contains(where: { $0.isWhitespace || $0.isNewline })
        else { throw .invalidInput(field: field, reason: "'\(text)' is not an email address") }
        return email
    }
}
