import BeckonCore
import BeckonStorage
import Foundation
import Logging
import Synchronization

// journal-bench: how many events/s the journal sustains with N concurrent appenders, one event per
// append (a page view per request), with and without group commit; and a load/verify pair for the
// SIGKILL test.
//
//   journal-bench throughput --sqlite PATH | --postgres URL [--appenders 64] [--seconds 10] [--delay-ms 2]
//   journal-bench load --sqlite PATH --ack-file FILE [--appenders 64]     (runs until killed)
//   journal-bench verify --sqlite PATH --ack-file FILE

struct Options {
    var mode = ""
    var sqlitePath: String?
    var postgresURL: String?
    var appenders = 64
    var seconds = 10.0
    var ackFile: String?
    var delayMs = 2

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        mode = rest.popFirst() ?? ""
        while let flag = rest.popFirst() {
            let value = rest.popFirst() ?? ""
            switch flag {
            case "--sqlite": sqlitePath = value
            case "--postgres": postgresURL = value
            case "--appenders": appenders = Int(value) ?? appenders
            case "--seconds": seconds = Double(value) ?? seconds
            case "--ack-file": ackFile = value
            case "--delay-ms": delayMs = Int(value) ?? delayMs
            default: fail("unknown option \(flag)")
            }
        }
    }

    var storage: StorageConfiguration {
        if let postgresURL { return StorageConfiguration(driver: .postgres, postgresURL: postgresURL, postgresMaxConnections: 64) }
        guard let sqlitePath else { fail("give --sqlite PATH or --postgres URL") }
        return StorageConfiguration(driver: .sqlite, sqlitePath: sqlitePath)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("journal-bench: \(message)\n".utf8))
    exit(2)
}

let logger = Logger(label: "journal-bench")
let account = AccountID(trusted: "bench")

func event(_ n: Int) -> JournalEvent {
    JournalEvent(
        accountId: account, kind: "benchmark", occurredAt: Date(), visitorId: "load-\(n)", sessionId: "s",
        payload: #"{"url":"https://shop.example/product/\#(n)","title":"Product"}"#)
}

/// The `count`th event of appender `appender`'s visitor (`round` keeps rounds apart), at its place
/// in the visitor's history as a node's copy makes it (SPEC §14): the unique place is checked on
/// every insert.
func placedEvent(appender: Int, round: Int, count: Int) -> JournalEvent {
    var placed = event(appender * 10_000_000 + count)
    placed.visitorId = "visitor-\(round)-\(appender)"
    placed.visitorSequence = Int64(count + 1)
    return placed
}

/// Runs `appenders` tasks that append one event at a time for `seconds`; returns events/s.
func measure(
    appenders: Int, seconds: Double, round: Int? = nil, append: @escaping @Sendable ([JournalEvent]) async throws -> Void
) async throws
    -> Double
{
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    let start = ContinuousClock.now
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for appender in 0..<appenders {
            group.addTask {
                var count = 0
                while ContinuousClock.now < deadline {
                    let next = round.map { placedEvent(appender: appender, round: $0, count: count) } ?? event(appender * 10_000_000 + count)
                    try await append([next])
                    count += 1
                }
                return count
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = ContinuousClock.now - start
    return Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

func throughput(_ options: Options) async throws {
    try await StorageFactory.open(options.storage, schema: .migrate, logger: logger) { try await throughput(options, $0) }
}

func throughput(_ options: Options, _ storage: Storage) async throws {
    let backend = options.storage.driver.rawValue
    // Baseline: every request commits its own transaction.
    let single = try await measure(appenders: options.appenders, seconds: options.seconds) { events in
        try await storage.journal.write(events)
    }
    let journal = GroupCommitJournal(
        store: storage.journal, configuration: .init(maxBatchDelay: .milliseconds(options.delayMs)), logger: logger)
    let writer = Task { try await journal.run() }
    // Group commit without and with visitor places, interleaved: two rounds each, means.
    var grouped: [Double] = []
    var placed: [Double] = []
    for round in 0..<2 {
        grouped.append(try await measure(appenders: options.appenders, seconds: options.seconds) { try await journal.append($0) })
        placed.append(
            try await measure(appenders: options.appenders, seconds: options.seconds, round: round) { try await journal.append($0) })
    }
    journal.close()
    try await writer.value
    let groupedMean = grouped.reduce(0, +) / 2
    let placedMean = placed.reduce(0, +) / 2
    print(
        String(
            format:
                "%@ appenders=%d delay=%dms one-commit-per-append=%.0f events/s group-commit=%.0f events/s ratio=%.1fx"
                + " group-commit-with-visitor-places=%.0f events/s (%.2f of group commit; rounds %.0f/%.0f vs %.0f/%.0f)",
            backend, options.appenders, options.delayMs, single, groupedMean, groupedMean / single, placedMean,
            placedMean / groupedMean, grouped[0], grouped[1], placed[0], placed[1]))
}

/// Appends forever; after each append returns (durable), writes the event's number to the ack file.
func load(_ options: Options) async throws {
    guard let ackFile = options.ackFile else { fail("load needs --ack-file") }
    if !FileManager.default.fileExists(atPath: ackFile) { _ = FileManager.default.createFile(atPath: ackFile, contents: nil) }
    guard let acks = FileHandle(forWritingAtPath: ackFile) else { fail("cannot write \(ackFile)") }
    acks.seekToEndOfFile()
    let ackLog = AckLog(acks)
    try await StorageFactory.open(options.storage, schema: .migrate, logger: logger) { try await load(options, ackLog, $0) }
}

func load(_ options: Options, _ ackLog: AckLog, _ storage: Storage) async throws {
    let journal = GroupCommitJournal(store: storage.journal, logger: logger)
    let writer = Task { try await journal.run() }
    // Unique across restarts: a random run id in every event number's high digits.
    let run = Int.random(in: 1..<1_000_000)
    FileHandle.standardError.write(Data("load running \(run)\n".utf8))
    try await withThrowingTaskGroup(of: Void.self) { group in
        for appender in 0..<options.appenders {
            group.addTask {
                var count = 0
                while true {
                    let n = (run * 1000 + appender) * 10_000_000 + count
                    try await journal.append([event(n)])
                    // Written with write(2): the kernel has it even if the process is killed next.
                    ackLog.record("load-\(n)")
                    count += 1
                }
            }
        }
        try await group.waitForAll()
    }
    try await writer.value
}

/// Acknowledged event ids, appended one line at a time from many tasks.
final class AckLog: Sendable {
    private let handle: Mutex<FileHandle>
    init(_ handle: FileHandle) { self.handle = Mutex(handle) }
    func record(_ id: String) { handle.withLock { $0.write(Data((id + "\n").utf8)) } }
}

func verify(_ options: Options) async throws {
    guard let ackFile = options.ackFile, let text = try? String(contentsOfFile: ackFile, encoding: .utf8) else {
        fail("verify needs a readable --ack-file")
    }
    let acknowledged = Set(text.split(separator: "\n").map(String.init))
    let stored = try await StorageFactory.open(options.storage, schema: .migrate, logger: logger) { storage in
        var stored = Set<String>()
        var query = JournalQuery(accountId: account, from: .distantPast, to: .distantFuture, limit: 50_000)
        while true {
            let page = try await storage.journal.events(query)
            guard let last = page.last else { break }
            for item in page { if let visitor = item.event.visitorId { stored.insert(visitor) } }
            query.afterSequence = last.sequence
        }
        return stored
    }
    let missing = acknowledged.subtracting(stored)
    print("acknowledged=\(acknowledged.count) stored=\(stored.count) missing=\(missing.count)")
    if !missing.isEmpty {
        print("LOST:", missing.sorted().prefix(10).joined(separator: ", "))
        exit(1)
    }
}

let options = Options(CommandLine.arguments)
switch options.mode {
case "throughput": try await throughput(options)
case "load": try await load(options)
case "verify": try await verify(options)
default: fail("mode must be throughput, load or verify")
}
