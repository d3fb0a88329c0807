package import Foundation

/// What a console user may do (SPEC §9). Enforced by the server, not only hidden in the page.
package enum ConsoleRole: String, Sendable, Codable, CaseIterable {
    case admin
    case campaignManager
    case analyst
}

/// A person who signs in to an account's console.
package struct ConsoleUser: Hashable, Sendable, Codable {
    package var id: String
    package var accountId: AccountID
    /// Stored lower-cased; unique within the account.
    package var email: String
    package var role: ConsoleRole
    /// A self-describing hash from `PasswordHasher`; never the password.
    package var passwordHash: String
    package var createdAt: Date

    package init(id: String, accountId: AccountID, email: String, role: ConsoleRole, passwordHash: String, createdAt: Date) {
        self.id = id
        self.accountId = accountId
        self.email = email
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

extension ConsoleUser {
    package static func makeID() -> String { "u_" + RandomToken.make(byteCount: 12) }

    /// Lower-cases and checks the address's shape (one `@`, a dot in the domain, no spaces).
    package static func normalizeEmail(_ text: String, field: String = "adminEmail") throws(BeckonError) -> String {
        let email = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !email.contains(where: { $0.isWhitespace || $0.isNewline })
        else { throw .invalidInput(field: field, reason: "'\(text)' is not an email address") }
        return email
    }
}
