import BeckonCore
import Foundation
import Testing

extension StorageContract {
    static let erasureChecks: [StorageContractCheck] = [
        check("erasureDeletesOneVisitorsEventsAndFactsWithinTheAccount") { storage in
            try await twoAccounts(storage)
            try await storage.journal.write([
                event("acme", at: 1, visitor: "v1"), event("acme", at: 2, visitor: "v2"), event("globex", at: 3, visitor: "v1"),
                event("acme", at: 4, visitor: "v1"),
            ])
            #expect(try await storage.journal.deleteVisitor(accountId: acme, visitorId: "v1") == 2)
            #expect(try await storage.journal.events(accountId: acme, visitorId: "v1", since: t0, limit: 10).isEmpty)
            #expect(try await storage.journal.events(accountId: acme, visitorId: "v2", since: t0, limit: 10).count == 1)
            #expect(try await storage.journal.events(accountId: globex, visitorId: "v1", since: t0, limit: 10).count == 1)
            let fact = ReportFact(sequence: 1, occurredAt: t0, visitorId: "v1", sessionId: "s", content: .display(campaignId: 1))
            var kept = fact
            kept.visitorId = "v2"
            kept.sequence = 2
            try await storage.rollups.apply([:], facts: [acme: [fact, kept], globex: [fact]], from: 0, through: 4)
            #expect(try await storage.rollups.deleteFacts(accountId: acme, visitorId: "v1") == 1)
            let left = try await storage.rollups.facts(
                ReportFactQuery(accountId: acme, type: ReportFact.displayType, from: .distantPast, to: .distantFuture))
            #expect(left.map(\.visitorId) == ["v2"])
            #expect(
                try await storage.rollups.facts(
                    ReportFactQuery(accountId: globex, type: ReportFact.displayType, from: .distantPast, to: .distantFuture)
                ).count == 1)
        }
    ]
}
