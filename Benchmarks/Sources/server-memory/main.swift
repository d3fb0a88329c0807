import BeckonCore
import BeckonServer
import BeckonStorage
import BeckonTesting
import CHeap
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

// server-memory: what live visitors cost the whole server process (SPEC §13a, §16).
//
//   server-memory visitors N [maxVisitors]   N new visitors' page views through the server's own
//       dependencies (visit store, decision, journal on SQLite, rollups) in this process; the
//       resident memory per visitor all-in, sampled every tenth of the way.
//   server-memory streams N                  N call-status streams opened then closed: heap in use
//       per stream while open, and after they close.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("server-memory: \(message)\n".utf8))
    exit(2)
}

func residentBytes() -> Int {
    let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
    let pages = Int(statm.split(separator: " ")[1]) ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Bytes malloc has handed out and not had back (what the process really holds on the heap,
/// unlike RSS, which keeps pages malloc has not returned to the kernel).
func heapInUse() -> Int { Int(beckon_heap_in_use()) }

func visitors(count: Int, maxVisitors: Int) async throws {
    var logger = Logger(label: "server-memory")
    logger.logLevel = .error
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-server-memory-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let configuration = StorageConfiguration(driver: .sqlite, sqlitePath: folder.appendingPathComponent("bench.sqlite").path)
    try await StorageFactory.open(configuration, schema: .migrate, logger: logger) { storage in
        let journal = GroupCommitJournal(store: storage.journal, logger: logger)
        let dependencies = AppDependencies(
            storage: storage, journal: journal, secretBox: try SecretBox(masterKey: SecretBox.generateMasterKey()),
            passwordHasher: PasswordHasher(iterations: 1000), maxVisitors: maxVisitors, rollupInterval: .milliseconds(500),
            logger: logger)
        let account = AccountID(trusted: "bench")
        _ = try await dependencies.provisioning.createAccount(id: "bench", name: nil, adminEmail: "bench@bench.example")
        let (site, _) = try await dependencies.provisioning.createSite(accountId: "bench", name: "Shop", origins: ["https://shop.example"])
        let campaign = try await storage.campaigns.createCampaign(
            accountId: account, settings: CampaignSettings(name: "Callback", status: .live, priority: 1), at: Date())
        _ = try await storage.campaigns.createEngagement(
            accountId: account, campaignId: campaign.id,
            settings: CampaignFixtures.engagement(
                1, campaign: campaign.id, account: account, entryPoint: EntryPoint(include: [.urlContains("/product/")])
            ).settings, at: Date())
        let pageViews = dependencies.pageViews
        @Sendable func view(_ n: Int) async throws {
            let answer = try await pageViews(
                .init(
                    accountId: account, siteId: site.id, url: "https://shop.example/product/\(n % 5000)/blue-sofa",
                    title: "Blue sofa", referrer: "https://www.google.com/",
                    client: ClientInfo(deviceFamily: "DESKTOP", ipAddress: "203.0.113.\(n % 250)")))
            guard answer.offers.count == 1 else { fail("expected the engagement to be offered") }
        }
        try await withThrowingTaskGroup(of: Void.self) { services in
            services.addTask { try await journal.run() }
            services.addTask { try await dependencies.rollups.run() }
            // Warm up (caches, pools, the first pages of every structure), then the baseline.
            for n in 0..<2000 { try await view(n) }
            try await dependencies.rollups.catchUp()
            let baseline = residentBytes()
            var samples: [String] = []
            let workers = 32
            let step = max(1, count / 10)
            var done = 0
            while done < count {
                let chunk = min(step, count - done)
                let first = done
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<workers {
                        group.addTask {
                            var n = worker
                            while n < chunk {
                                try await view(first + n)
                                n += workers
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                done += chunk
                try await dependencies.rollups.catchUp()
                samples.append(#"{"visitors":\#(done),"live":\#(dependencies.liveVisits.visitorCount),"resident_bytes":\#(residentBytes())}"#)
                FileHandle.standardError.write(Data("  \(done) visitors, RSS \(residentBytes() / 1_048_576) MiB\n".utf8))
            }
            let final = residentBytes()
            let held = min(count, maxVisitors)
            let perVisitor = Double(final - baseline) / Double(held)
            print(
                #"{"benchmark":"server-memory","visitors":\#(count),"max_visitors":\#(maxVisitors),"baseline_resident_bytes":\#(baseline),"resident_bytes":\#(final),"bytes_per_visitor":\#(Int(perVisitor)),"target_bytes_max":2048,"samples":[\#(samples.joined(separator: ","))]}"#
            )
            journal.close()
            services.cancelAll()
        }
    }
}

func streams(count: Int) async {
    let hub = CallStatusHub(limits: .init(perClick: 3, perNode: count))
    let account = AccountID(trusted: "bench")
    let before = heapInUse()
    // Each stream read by a task, as the status route reads it while its client listens.
    var readers: [Task<Void, Never>] = []
    readers.reserveCapacity(count)
    for _ in 0..<count {
        let key = CallStatusHub.Key(accountId: account, visitorId: .random(), sessionId: .random())
        let stream = try! hub.subscribe(key, click: "1")
        readers.append(Task { for await _ in stream {} })
    }
    while hub.openStreams.streams < count { await Task.yield() }
    let whileOpen = heapInUse()
    // The clients leave: reading stops, the streams terminate and the hub lets go of them.
    for reader in readers { reader.cancel() }
    for reader in readers { await reader.value }
    readers = []
    let after = heapInUse()
    guard hub.openStreams.streams == 0 else { fail("\(hub.openStreams.streams) streams still registered") }
    print(
        #"{"benchmark":"status-streams","streams":\#(count),"heap_bytes_per_open_stream":\#((whileOpen - before) / count),"heap_bytes_left_after_close":\#(max(0, after - before))}"#
    )
}

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "visitors":
    let count = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
    let cap = arguments.count > 3 ? Int(arguments[3]) ?? 2_000_000 : 2_000_000
    try await visitors(count: count, maxVisitors: cap)
case "streams":
    await streams(count: arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000)
default:
    fail("usage: server-memory visitors N [maxVisitors] | streams N")
}
