import BeckonCore
import Foundation
import Testing

extension StorageContract {
    static let identityChecks: [StorageContractCheck] = [
        check("anIdentityNamesTheVisitorItWasLastSeenWithPerAccount") { storage in
            try await twoAccounts(storage)
            let repository = storage.identities
            let (a, b): ([UInt8], [UInt8]) = (Array(repeating: 1, count: 32), Array(repeating: 2, count: 32))
            #expect(try await repository.visitor(accountId: acme, hashes: [a]) == nil)
            try await repository.remember(accountId: acme, hash: a, visitorId: "v1", at: Date(timeIntervalSince1970: 100))
            try await repository.remember(accountId: acme, hash: b, visitorId: "v2", at: Date(timeIntervalSince1970: 200))
            #expect(try await repository.visitor(accountId: acme, hashes: [a]) == "v1")
            #expect(try await repository.visitor(accountId: acme, hashes: [a, b]) == "v2", "the most recently seen wins")
            #expect(try await repository.visitor(accountId: globex, hashes: [a, b]) == nil, "another account's are not visible")
            try await repository.remember(accountId: acme, hash: a, visitorId: "v3", at: Date(timeIntervalSince1970: 300))
            #expect(try await repository.visitor(accountId: acme, hashes: [a]) == "v3", "seen with another visitor: replaced")
            #expect(try await repository.forget(accountId: acme, visitorId: "v3") == 1)
            #expect(try await repository.visitor(accountId: acme, hashes: [a]) == nil)
            #expect(try await repository.visitor(accountId: acme, hashes: []) == nil)
        }
    ]
}
