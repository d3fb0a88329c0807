import BeckonCore
import Crypto
import Foundation
import Testing

extension StorageContract {
    static let clickKeyChecks: [StorageContractCheck] = [
        check("storesClickSigningKeysNewestFirstPerAccount") { storage in
            try await twoAccounts(storage)
            let box = try SecretBox(masterKey: SecretBox.generateMasterKey())
            let first = ClickSigningKey.generate(accountId: acme, box: box, at: t0)
            let second = ClickSigningKey.generate(accountId: acme, box: box, at: t0.addingTimeInterval(60))
            try await storage.clickKeys.create(first)
            try await storage.clickKeys.create(second)
            try await storage.clickKeys.create(ClickSigningKey.generate(accountId: globex, box: box, at: t0))
            let keys = try await storage.clickKeys.keys(accountId: acme)
            #expect(keys == [second, first])
            // The sealed private key opens and signs what the stored public key verifies.
            let privateKey = try keys[0].privateKey(box: box)
            #expect(Array(privateKey.publicKey.rawRepresentation) == second.publicKey)
            #expect(try await storage.clickKeys.keys(accountId: globex).count == 1)
        },
        check("refusesClickKeysOfUnknownAccounts") { storage in
            let box = try SecretBox(masterKey: SecretBox.generateMasterKey())
            await #expect(throws: BeckonError.unknownAccount("nobody")) {
                try await storage.clickKeys.create(ClickSigningKey.generate(accountId: AccountID(trusted: "nobody"), box: box, at: t0))
            }
        },
    ]
}
