import BeckonCore
import BeckonStorage
import BeckonTesting
import Foundation
import Synchronization
import Testing

/// Two nodes on one PostgreSQL schema hear each other (SPEC §14): configuration written anywhere
/// reaches the other node's change feed, visitor claims reach the other node, and a lost
/// listening connection is replaced and flushes every cache.
@Suite(.enabled(if: TestStorage.postgresURL != nil, "needs BECKON_TEST_POSTGRES_URL"))
struct PostgreSQLChangeRelayTests {
    static let acme = AccountID(trusted: "acme")
    static let t0 = Date(millisecondsSince1970: 1_790_000_000_000)

    /// What a feed heard, in order.
    final class Heard<Message: Sendable>: Sendable {
        private let messages = Mutex<[Message]>([])
        private let subscription = Mutex<Subscription?>(nil)

        init(_ broadcast: Broadcast<Message>) {
            let subscription = broadcast.subscribe { [weak self] message in self?.messages.withLock { $0.append(message) } }
            self.subscription.withLock { $0 = subscription }
        }

        var all: [Message] { messages.withLock { $0 } }
    }

    /// Node B's id, unique to the test (tests run in parallel on one PostgreSQL server).
    let nodeB = "node-b-" + RandomToken.make(byteCount: 6)

    /// Node A is the test's storage; node B a second storage on the same schema.
    func withTwoNodes(_ body: (_ a: Storage, _ b: Storage, _ configuration: StorageConfiguration) async throws -> Void) async throws {
        try await TestStorage.withPostgres { a, configuration in
            var second = configuration
            second.nodeId = nodeB
            try await StorageFactory.open(second, schema: .requireCurrent, logger: TestStorage.logger) { b in
                try await body(a, b, configuration)
            }
        }
    }

    static func account(_ id: String) -> (Account, ConsoleUser) {
        let account = Account(id: AccountID(trusted: id), name: "Brand", timeZone: "Etc/UTC", currency: "USD", createdAt: t0)
        let admin = ConsoleUser(
            id: ConsoleUser.makeID(), accountId: account.id, email: "admin@brand.example", role: .admin,
            passwordHash: "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", createdAt: t0)
        return (account, admin)
    }

    @Test func configurationWrittenOnOneNodeReachesTheOtherOnce() async throws {
        try await withTwoNodes { a, b, _ in
            let onA = Heard(a.changes)
            let onB = Heard(b.changes)
            let (account, admin) = Self.account("acme")
            try await a.accounts.create(account, firstAdmin: admin)
            let campaign = try await a.campaigns.createCampaign(
                accountId: Self.acme, settings: CampaignSettings(name: "Callback"), at: Self.t0)
            _ = try await a.campaigns.updateCampaign(
                accountId: Self.acme, id: campaign.id, settings: CampaignSettings(name: "Callback 2"), at: Self.t0)
            #expect(await eventually { onB.all.contains(.campaigns(Self.acme)) && onB.all.contains(.settings(Self.acme)) })
            // B's write comes back to A after A's own would have (one channel, in commit order):
            // once A hears it, A has heard everything it will of its own writes.
            try await b.sites.create(
                Site(
                    id: "s_1", accountId: Self.acme, name: "Shop", allowedOrigins: ["https://shop.example"],
                    debugKeyHash: Site.hashDebugKey("dbg"), createdAt: Self.t0))
            #expect(await eventually { onA.all.contains(.sites(Self.acme)) })
            #expect(onA.all == [.settings(Self.acme), .campaigns(Self.acme), .campaigns(Self.acme), .sites(Self.acme)])
            #expect(!onB.all.contains(.everything), "B listened before it served")
        }
    }

    @Test func aWriteFromOutsideAnyNodeIsHeardByEveryNode() async throws {
        try await withTwoNodes { a, b, configuration in
            let onA = Heard(a.changes)
            let onB = Heard(b.changes)
            let (account, admin) = Self.account("acme")
            try await a.accounts.create(account, firstAdmin: admin)
            // What `beckon apikey revoke` or an operator's SQL does: another process, another node id.
            var cli = configuration
            cli.nodeId = "beckon-cli"
            _ = try await StorageFactory.withDatabase(cli, logger: TestStorage.logger) { database in
                try await database.query("UPDATE accounts SET currency = 'EUR' WHERE id = 'acme'")
            }
            #expect(await eventually { onA.all.filter { $0 == .settings(Self.acme) }.count == 2 })
            #expect(await eventually { onB.all.filter { $0 == .settings(Self.acme) }.count == 2 })
        }
    }

    @Test func aClaimMadeOnOneNodeIsHeardOnTheOtherOnly() async throws {
        try await withTwoNodes { a, b, _ in
            let heardOnA = Heard(a.claims.heard)
            let heardOnB = Heard(b.claims.heard)
            let keys = (0..<300).map { _ in LiveVisitStore.Key(accountId: Self.acme, visitorId: VisitToken.random()) }
            for key in keys { a.claims.made.publish(key) }
            #expect(await eventually { Set(heardOnB.all) == Set(keys) })
            let late = LiveVisitStore.Key(accountId: Self.acme, visitorId: VisitToken.random())
            b.claims.made.publish(late)
            #expect(await eventually { heardOnA.all == [late] }, "A hears B's claim and none of its own")
        }
    }

    @Test func aLostListeningConnectionIsReplacedAndFlushesEveryCache() async throws {
        try await withTwoNodes { a, b, _ in
            let onB = Heard(b.changes)
            let (account, admin) = Self.account("acme")
            try await TestStorage.withPostgresAdmin { admin in
                let killed = try await admin.query(
                    """
                    SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
                    WHERE application_name = '\(nodeB)' AND query LIKE 'LISTEN%'
                    """)
                #expect(killed.count == 1)
            }
            #expect(await eventually { onB.all.contains(.everything) }, "notifications sent meanwhile are gone: B forgets all")
            try await a.accounts.create(account, firstAdmin: admin)
            #expect(await eventually { onB.all.contains(.settings(Self.acme)) }, "B listens again")
        }
    }
}
