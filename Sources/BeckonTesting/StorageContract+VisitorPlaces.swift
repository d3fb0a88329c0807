import BeckonCore
import Foundation
import Testing

extension StorageContract {
    static func placed(_ visitor: String, _ place: Int64, kind: EventKind = .pageView, account: String = "acme") -> JournalEvent {
        JournalEvent(
            accountId: AccountID(trusted: account), kind: kind, occurredAt: t0, visitorId: visitor, sessionId: "s",
            payload: "{}", visitorSequence: place)
    }

    /// A place in a visitor's history holds one event, decided by storage atomically (SPEC §14):
    /// the single-use facts of a visit — a validation, a status, a context id — are made from a
    /// copy of the visitor, and a copy that missed another node's write cannot add to it.
    static let visitorPlaceChecks: [StorageContractCheck] = [
        check("aVisitorsPlaceHoldsOneEventAndAStaleAppendIsRefusedWhole") { storage in
            #expect(try await storage.journal.write([JournalAppend(events: [placed("v1", 1), placed("v1", 2)])]) == [])
            // Another node's copy, made before it saw place 2, tries places 2 and 3: refused whole,
            // together with what else it sent for that visitor in the batch; other visitors pass.
            let refused = try await storage.journal.write([
                JournalAppend(events: [placed("v1", 2, kind: .validation), placed("v1", 3)]),
                JournalAppend(events: [placed("v2", 1)]),
                JournalAppend(events: [placed("v1", 4)]),
                JournalAppend(events: [JournalEvent(accountId: AccountID(trusted: "acme"), kind: "accountNote", occurredAt: t0)]),
            ])
            #expect(refused == [0, 2])
            let v1 = try await storage.journal.events(accountId: AccountID(trusted: "acme"), visitorId: "v1", since: .distantPast, limit: 10)
            #expect(v1.map(\.event.visitorSequence) == [1, 2] && v1.allSatisfy { $0.event.kind == .pageView }, "place 3 taken back")
            #expect(try await storage.journal.count() == 4)
            #expect(try await storage.journal.latestVisitorSequence(accountId: AccountID(trusted: "acme"), visitorId: "v1") == 2)
            #expect(try await storage.journal.latestVisitorSequence(accountId: AccountID(trusted: "acme"), visitorId: "v2") == 1)
            #expect(try await storage.journal.latestVisitorSequence(accountId: AccountID(trusted: "acme"), visitorId: "v9") == 0)
            // The place after the last one is free.
            #expect(try await storage.journal.write([JournalAppend(events: [placed("v1", 3)])]) == [])
        },
        check("twoCopiesClaimingOnePlaceInOneBatchAreBothRefused") { storage in
            let refused = try await storage.journal.write([
                JournalAppend(events: [placed("v1", 1)]), JournalAppend(events: [placed("v1", 1, kind: .click)]),
            ])
            #expect(refused == [0, 1], "neither is known to be the visitor's real history")
            #expect(try await storage.journal.count() == 0)
        },
        check("placesArePerVisitorAndAccount") { storage in
            let refused = try await storage.journal.write([
                JournalAppend(events: [placed("v1", 1)]), JournalAppend(events: [placed("v2", 1)]),
                JournalAppend(events: [placed("v1", 1, account: "globex")]),
            ])
            #expect(refused == [])
            // Events without a place (written by no copy of a visitor) are never refused.
            let unplaced = JournalEvent(accountId: AccountID(trusted: "acme"), kind: .pageView, occurredAt: t0, visitorId: "v1")
            #expect(try await storage.journal.write([JournalAppend(events: [unplaced, unplaced])]) == [])
            #expect(try await storage.journal.count() == 5)
        },
        check("parallelWritesOfOnePlaceLeaveOneWinner") { storage in
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for attempt in 0..<8 {
                    group.addTask {
                        let kind: EventKind = attempt.isMultiple(of: 2) ? .validation : .click
                        return try await storage.journal.write([JournalAppend(events: [placed("v1", 1, kind: kind)])]).isEmpty
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await storage.journal.count() == 1)
        },
    ]
}
