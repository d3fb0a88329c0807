import BeckonCore
import Foundation
import Testing

extension StorageContract {
    static let consoleSessionChecks: [StorageContractCheck] = [
        check("consoleSessionsAreFoundByTokenHashUntilTheyExpire") { storage in
            try await twoAccounts(storage)
            let user = admin(of: "acme")
            let (session, token) = ConsoleSession.start(for: user, at: t0)
            try await storage.consoleSessions.create(session)
            #expect(try await storage.consoleSessions.session(tokenHash: ConsoleSession.hash(token), now: t0) == session)
            #expect(try await storage.consoleSessions.session(tokenHash: ConsoleSession.hash("cs_other"), now: t0) == nil)
            let later = session.expiresAt
            #expect(try await storage.consoleSessions.session(tokenHash: session.tokenHash, now: later) == nil)
            let (other, otherToken) = ConsoleSession.start(for: user, at: later)
            try await storage.consoleSessions.create(other)
            #expect(try await storage.consoleSessions.deleteExpired(now: later) == 1)
            #expect(try await storage.consoleSessions.session(tokenHash: ConsoleSession.hash(otherToken), now: later) != nil)
            try await storage.consoleSessions.delete(tokenHash: other.tokenHash)
            #expect(try await storage.consoleSessions.session(tokenHash: other.tokenHash, now: later) == nil)
        },
        check("consoleSessionsNeedAnExistingAccount") { storage in
            var user = admin(of: "acme")
            user.accountId = AccountID(trusted: "nobody")
            await #expect(throws: BeckonError.unknownAccount("nobody")) {
                try await storage.consoleSessions.create(ConsoleSession.start(for: user, at: t0).session)
            }
        },
        check("usersAreFoundByEmailAcrossAccounts") { storage in
            try await twoAccounts(storage)
            let found = try await storage.accounts.users(email: "ADMIN@brand.example")
            #expect(found.map(\.accountId.rawValue) == ["acme", "globex"])
            #expect(try await storage.accounts.users(email: "nobody@brand.example").isEmpty)
        },
    ]
}

extension StorageContract {
    static let userChecks: [StorageContractCheck] = [
        check("usersChangeRoleAndAreRemovedWithinTheirAccountOnly") { storage in
            try await twoAccounts(storage)
            let acmeAdmin = try #require(try await storage.accounts.users(accountId: acme).first)
            await #expect(throws: BeckonError.notFound("user '\(acmeAdmin.id)'")) {
                try await storage.accounts.updateUserRole(accountId: globex, userId: acmeAdmin.id, role: .analyst)
            }
            try await storage.accounts.updateUserRole(accountId: acme, userId: acmeAdmin.id, role: .campaignManager)
            #expect(try await storage.accounts.users(accountId: acme).first?.role == .campaignManager)
            let (session, _) = ConsoleSession.start(for: acmeAdmin, at: t0)
            try await storage.consoleSessions.create(session)
            try await storage.consoleSessions.delete(accountId: acme, userId: acmeAdmin.id)
            #expect(try await storage.consoleSessions.session(tokenHash: session.tokenHash, now: t0) == nil)
            await #expect(throws: BeckonError.notFound("user '\(acmeAdmin.id)'")) {
                try await storage.accounts.deleteUser(accountId: globex, userId: acmeAdmin.id)
            }
            try await storage.accounts.deleteUser(accountId: acme, userId: acmeAdmin.id)
            #expect(try await storage.accounts.users(accountId: acme).isEmpty)
            #expect(try await storage.accounts.users(accountId: globex).count == 1)
        }
    ]
}
