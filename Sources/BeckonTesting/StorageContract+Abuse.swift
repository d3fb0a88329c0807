import BeckonCore
import Foundation
import Testing

extension StorageContract {
    static func dialAttempt(
        visitor: String, context: String = "1", number: UInt8, at: Date, settings: AbuseSettings = .init(allowedCountries: nil)
    ) -> DialAttempt {
        DialAttempt(
            accountId: acme, visitorId: visitor, sessionId: "s-\(visitor)", contextId: context,
            numberHashes: [Array(repeating: number, count: 32)], country: "US", premiumPrefix: false, at: at, dayStart: t0,
            settings: settings, authorizationId: "da_\(visitor)_\(context)_\(number)_\(at.millisecondsSince1970)")
    }

    static func authorize(_ storage: Storage, _ attempt: DialAttempt) async throws -> DialOutcome {
        try await storage.abuse.authorize(attempt) { DialPolicy.decide(attempt, facts: $0) }
    }

    static let abuseChecks: [StorageContractCheck] = [
        check("decidesDialAuthorizationsFromStoredFacts") { storage in
            try await twoAccounts(storage)
            // The same number for three visitors is fine; the fourth within 6 hours is refused.
            for visitor in ["v1", "v2", "v3"] {
                #expect(try await authorize(storage, dialAttempt(visitor: visitor, number: 7, at: t0)).allowed)
            }
            let fourth = try await authorize(storage, dialAttempt(visitor: "v4", number: 7, at: t0.addingTimeInterval(60)))
            #expect(fourth.refusal == .numberVelocity && fourth.retryAfterSeconds == 6 * 3600 - 60)
            #expect(try await authorize(storage, dialAttempt(visitor: "v4", number: 7, at: t0.addingTimeInterval(6 * 3600 + 1))).allowed)
            // Asked again for the same click and number: the same authorization, nothing counted twice.
            let again = try await authorize(storage, dialAttempt(visitor: "v1", number: 7, at: t0.addingTimeInterval(5)))
            #expect(again.repeated && again.authorizationId == "da_v1_1_7_\(t0.millisecondsSince1970)")
        },
        check("decidesConcurrentAttemptsOneAfterAnother") { storage in
            try await twoAccounts(storage)
            // 40 bots at once for one victim, and one visitor asking 10 times at once for the same
            // click and number: however the attempts share transactions, each sees those before it.
            let outcomes = try await withThrowingTaskGroup(of: (String, DialOutcome).self) { group in
                for bot in 0..<40 {
                    group.addTask { ("victim", try await authorize(storage, dialAttempt(visitor: "bot\(bot)", number: 42, at: t0))) }
                }
                for _ in 0..<10 {
                    group.addTask {
                        ("same", try await authorize(storage, dialAttempt(visitor: "repeat", context: "1", number: 43, at: t0)))
                    }
                }
                return try await group.reduce(into: [String: [DialOutcome]]()) { $0[$1.0, default: []].append($1.1) }
            }
            #expect(outcomes["victim"]?.filter(\.allowed).count == 3)
            #expect(outcomes["victim"]?.filter { $0.refusal == .numberVelocity }.count == 37)
            let same = outcomes["same"] ?? []
            #expect(same.allSatisfy(\.allowed) && Set(same.map(\.authorizationId)).count == 1 && same.filter { !$0.repeated }.count == 1)
        },
        check("blocksAVisitorForADayThenForGood") { storage in
            try await twoAccounts(storage)
            #expect(try await authorize(storage, dialAttempt(visitor: "bot", context: "1", number: 1, at: t0)).allowed)
            #expect(try await authorize(storage, dialAttempt(visitor: "bot", context: "2", number: 2, at: t0)).allowed)
            let third = try await authorize(storage, dialAttempt(visitor: "bot", context: "3", number: 3, at: t0))
            let block = try #require(third.newBlock)
            #expect(third.refusal == .visitorBlocked && block.until == t0.addingTimeInterval(86_400))
            #expect(try await storage.abuse.visitorBlock(accountId: acme, visitorId: "bot", at: t0) == block)
            #expect(try await authorize(storage, dialAttempt(visitor: "bot", context: "4", number: 1, at: t0)).refusal == .visitorBlocked)
            // Lifted: the visitor calls again, numbers counted afresh; a second offence is permanent.
            let lifted = try #require(try await storage.abuse.liftBlock(accountId: acme, id: block.id, by: "key1", at: t0.addingTimeInterval(10)))
            #expect(lifted.liftedBy == "key1" && !lifted.holds(at: t0.addingTimeInterval(11)))
            let later = t0.addingTimeInterval(20)
            #expect(try await authorize(storage, dialAttempt(visitor: "bot", context: "5", number: 4, at: later)).allowed)
            #expect(try await authorize(storage, dialAttempt(visitor: "bot", context: "6", number: 5, at: later)).allowed)
            let second = try await authorize(storage, dialAttempt(visitor: "bot", context: "7", number: 6, at: later))
            #expect(second.refusal == .visitorBlocked)
            let permanent = try #require(second.newBlock)
            #expect(permanent.until == nil)
            #expect(try await storage.abuse.visitorBlock(accountId: acme, visitorId: "bot", at: later.addingTimeInterval(400 * 86_400)) != nil)
            // Another account sees none of it.
            #expect(try await storage.abuse.blocks(accountId: globex, activeAt: nil, afterId: nil, limit: 10).isEmpty)
            #expect(try await storage.abuse.block(accountId: globex, id: block.id) == nil)
            #expect(try await storage.abuse.liftBlock(accountId: globex, id: permanent.id, by: "x", at: later) == nil)
        },
        check("countsReportedNumbersBudgetsAndCalls") { storage in
            try await twoAccounts(storage)
            var settings = AbuseSettings(allowedCountries: nil)
            settings.dailyCallBudget = 2
            settings.concurrentCalls = 1
            try await storage.abuse.recordReportedNumbers(
                accountId: acme, visitorId: "v", hashes: [Array(repeating: 9, count: 32), Array(repeating: 8, count: 32)], at: t0)
            // Two reported numbers and a third dialled: three distinct in an hour.
            #expect(try await authorize(storage, dialAttempt(visitor: "v", number: 1, at: t0, settings: settings)).refusal == .visitorBlocked)
            #expect(try await authorize(storage, dialAttempt(visitor: "a", number: 1, at: t0, settings: settings)).allowed)
            #expect(try await authorize(storage, dialAttempt(visitor: "b", number: 2, at: t0, settings: settings)).refusal == .concurrentCalls)
            try await storage.abuse.callEnded(accountId: acme, visitorId: "a", sessionId: "s-a", contextId: "1", at: t0)
            #expect(try await authorize(storage, dialAttempt(visitor: "b", number: 2, at: t0, settings: settings)).allowed)
            #expect(try await authorize(storage, dialAttempt(visitor: "c", number: 3, at: t0, settings: settings)).refusal == .accountCallBudget)
        },
        check("keepsNumberBlocksAndKeysPerAccount") { storage in
            try await twoAccounts(storage)
            let hash = Array(repeating: UInt8(5), count: 32)
            try await storage.abuse.addBlock(
                AbuseBlock(
                    id: "blk_n", accountId: acme, kind: .number, subject: Base64.encode(hash), reason: "doNotCall", country: "US",
                    createdAt: t0, until: nil))
            #expect(try await storage.abuse.numberBlocked(accountId: acme, hashes: [hash], at: t0))
            #expect(try await !storage.abuse.numberBlocked(accountId: globex, hashes: [hash], at: t0))
            #expect(try await authorize(storage, dialAttempt(visitor: "v", number: 5, at: t0)).refusal == .numberBlocked)
            let key = NumberHashKey(id: "nk_1", accountId: acme, sealedSecret: [1, 2, 3], createdAt: t0)
            try await storage.abuse.addNumberKey(key)
            await #expect(throws: BeckonError.conflict("number key 'nk_1' exists")) { try await storage.abuse.addNumberKey(key) }
            #expect(try await storage.abuse.numberKeys(accountId: acme) == [key])
            #expect(try await storage.abuse.numberKeys(accountId: globex).isEmpty)
            let page = try await storage.abuse.blocks(accountId: acme, activeAt: t0, afterId: nil, limit: 10)
            #expect(page.map(\.id) == ["blk_n"])
            #expect(try await storage.abuse.blocks(accountId: acme, activeAt: t0, afterId: "blk_n", limit: 10).isEmpty)
        },
    ]
}
