package import BeckonCore
package import BeckonStorage
import Configuration
package import Foundation
package import Logging

/// Everything `beckon` reads from its settings, resolved and checked once at start.
/// Precedence: command line > environment > configuration file > defaults.
package struct BeckonConfiguration: Sendable {
    package var host: String
    package var port: Int
    /// The largest request body accepted; larger ones get 413.
    package var maxBodyBytes: Int
    /// Take the client address from `X-Forwarded-For` (behind a proxy such as nginx).
    package var trustForwardedFor: Bool
    /// Where webhooks may go (`webhooks.allowPrivateTargets`, `webhooks.allowHttp`).
    package var egress: EgressPolicy = EgressPolicy()
    /// Where `beckon.js` and the other browser files are; nil finds the `Public` folder.
    package var publicDirectory: String?
    package var visits: VisitLedger.Settings
    /// The most visitors held in memory; beyond it the least recently active are dropped.
    package var maxVisitors: Int
    /// How often the report rollups catch up with the journal (reports also catch up on read).
    package var rollupInterval: Duration
    package var logLevel: Logger.Level
    package var storage: StorageConfiguration
    package var journal: GroupCommitJournal.Configuration
    /// Base64 of the 32-byte key OAuth secrets are sealed with, when given directly.
    package var masterKey: String?
    /// Where the master key lives otherwise; for SQLite it is created on first use.
    package var masterKeyFile: String?
    /// Node-wide limits per client address, over all accounts (SPEC §13); 0 means unlimited.
    package var requestsPerAddressPerMinute: Int = 6000
    package var newVisitorsPerAddressPerMinute: Int = 600
    /// How many client addresses the limits keep buckets for (bounded memory).
    package var trackedAddresses: Int = 100_000
    /// A connection idle between keep-alive requests is closed after this long (SPEC §13a).
    package var idleTimeout: Duration = .seconds(75)
    /// A request head must be complete this long after the connection opened (or after the first
    /// byte of a later request); a body this long after its head. Late: 408 and closed.
    package var headTimeout: Duration = .seconds(10)
    package var bodyTimeout: Duration = .seconds(30)
    /// Open connections per node; past it new ones get 503 at once. Lowered to fit the
    /// process's file limit, with a reserve.
    package var maxConnections: Int = 8000

    var addressLimits: AddressLimits.Node {
        AddressLimits.Node(
            requestsPerMinute: requestsPerAddressPerMinute > 0 ? requestsPerAddressPerMinute : nil,
            newVisitorsPerMinute: newVisitorsPerAddressPerMinute > 0 ? newVisitorsPerAddressPerMinute : nil)
    }

    package init(
        host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 65536, trustForwardedFor: Bool = false,
        publicDirectory: String? = nil, visits: VisitLedger.Settings = .init(), maxVisitors: Int = 2_000_000,
        rollupInterval: Duration = .seconds(2), logLevel: Logger.Level = .info,
        storage: StorageConfiguration = .init(), journal: GroupCommitJournal.Configuration = .init(),
        masterKey: String? = nil, masterKeyFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.trustForwardedFor = trustForwardedFor
        self.publicDirectory = publicDirectory
        self.visits = visits
        self.maxVisitors = maxVisitors
        self.rollupInterval = rollupInterval
        self.logLevel = logLevel
        self.storage = storage
        self.journal = journal
        self.masterKey = masterKey
        self.masterKeyFile = masterKeyFile
    }
}

extension BeckonConfiguration {
    /// Reads the settings from the command line's configuration flags (`--http-port 9000`), the
    /// environment (`HTTP_PORT=9000`) and an optional JSON file, in that order of precedence.
    /// Throws on an unknown flag or a value of the wrong type, naming it.
    package static func load(
        arguments: [String] = [], configFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> BeckonConfiguration {
        try checkFlags(arguments)
        var providers: [any ConfigProvider] = [
            CommandLineArgumentsProvider(arguments: ["beckon"] + arguments),
            EnvironmentVariablesProvider(environmentVariables: environment),
        ]
        if let configFile = configFile ?? environment["BECKON_CONFIG_FILE"] {
            guard FileManager.default.fileExists(atPath: configFile) else {
                throw BeckonError.invalidInput(field: "config", reason: "no configuration file at \(configFile)")
            }
            do {
                let location = ConfigReader(
                    provider: InMemoryProvider(values: ["filePath": ConfigValue(.string(configFile), isSecret: false)]))
                providers.append(try await FileProvider<JSONSnapshot>(config: location))
            } catch {
                throw BeckonError.invalidInput(field: "config", reason: "\(configFile) is not a valid JSON configuration file")
            }
        }
        return try BeckonConfiguration(reader: ConfigReader(providers: providers))
    }

    init(reader: ConfigReader) throws {
        let values = ConfigValues(reader: reader)
        host = values.string(.httpHost)
        port = try values.int(.httpPort, in: 0...65535)
        maxBodyBytes = try values.int(.httpMaxBodyBytes, in: 1024...(64 << 20))
        trustForwardedFor = try values.bool(.httpTrustForwardedFor)
        egress = EgressPolicy(
            allowPrivateTargets: try values.bool(.webhooksAllowPrivateTargets), allowHTTP: try values.bool(.webhooksAllowHTTP))
        publicDirectory = values.optionalString(.httpPublicDir)
        visits = VisitLedger.Settings(
            visitTimeout: .seconds(60 * (try values.int(.visitsTimeoutMinutes, in: 1...1440))),
            liveWindow: .seconds(3600 * (try values.int(.visitsLiveHours, in: 1...72))),
            streamLimits: CallStatusHub.Limits(
                perClick: try values.int(.limitsStreamsPerClick, in: 1...100), perNode: try values.int(.limitsStreamsPerNode, in: 1...1_000_000)))
        maxVisitors = try values.int(.visitsMaxVisitors, in: 1000...100_000_000)
        rollupInterval = .seconds(try values.int(.reportsRollupIntervalSeconds, in: 1...3600))
        let level = values.string(.logLevel)
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw BeckonError.invalidInput(
                field: "log.level", reason: "'\(level)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = logLevel
        let driver = values.string(.storageDriver)
        guard let storageDriver = StorageConfiguration.Driver(rawValue: driver) else {
            throw BeckonError.invalidInput(field: "storage.driver", reason: "'\(driver)' is not one of sqlite, postgres")
        }
        storage = StorageConfiguration(
            driver: storageDriver, sqlitePath: values.string(.storageSQLitePath),
            postgresURL: values.optionalString(.storagePostgresURL),
            postgresMaxConnections: try values.int(.storagePostgresMaxConnections, in: 1...1000),
            deadline: .milliseconds(try values.int(.storageDeadlineMs, in: 50...60_000)),
            nodeId: values.optionalString(.clusterNodeId) ?? StorageConfiguration.defaultNodeId())
        journal = GroupCommitJournal.Configuration(
            maxBatchEvents: try values.int(.journalBatchMaxEvents, in: 1...100_000),
            maxBatchDelay: .milliseconds(try values.int(.journalBatchMaxDelayMs, in: 0...1000)))
        masterKey = values.optionalString(.secretsMasterKey)
        masterKeyFile = values.optionalString(.secretsMasterKeyFile)
        requestsPerAddressPerMinute = try values.int(.limitsRequestsPerMinute, in: 0...10_000_000)
        newVisitorsPerAddressPerMinute = try values.int(.limitsNewVisitorsPerMinute, in: 0...10_000_000)
        trackedAddresses = try values.int(.limitsTrackedAddresses, in: 1000...10_000_000)
        idleTimeout = .seconds(try values.int(.httpIdleTimeoutSeconds, in: 1...3600))
        headTimeout = .seconds(try values.int(.httpHeadTimeoutSeconds, in: 1...3600))
        bodyTimeout = .seconds(try values.int(.httpBodyTimeoutSeconds, in: 1...3600))
        maxConnections = try values.int(.httpMaxConnections, in: 1...1_000_000)
        if storageDriver == .postgres, storage.postgresURL == nil {
            throw BeckonError.invalidInput(field: "storage.postgres.url", reason: "is required when storage.driver is postgres")
        }
    }

    /// Refuses flags that are not configuration keys, so a typo is an error, not a silently
    /// ignored setting.
    static func checkFlags(_ arguments: [String]) throws {
        let known = Set(ConfigurationKey.all.map(\.flag))
        for argument in arguments where argument.hasPrefix("--") {
            let flag = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            guard known.contains(flag) else {
                throw BeckonError.invalidInput(
                    field: flag,
                    reason: "unknown option; settings are: \(ConfigurationKey.all.map(\.flag).joined(separator: ", "))")
            }
        }
    }
}

/// Typed reads with Beckon's defaults and error messages.
private struct ConfigValues {
    let reader: ConfigReader

    func optionalString(_ key: ConfigurationKey) -> String? {
        reader.string(forKey: ConfigKey(key.name), isSecret: key.isSecret).flatMap { $0.isEmpty ? nil : $0 }
    }

    func string(_ key: ConfigurationKey) -> String {
        optionalString(key) ?? key.defaultValue ?? ""
    }

    func bool(_ key: ConfigurationKey) throws -> Bool {
        if let typed = try? reader.requiredBool(forKey: ConfigKey(key.name)) { return typed }
        let text = (reader.string(forKey: ConfigKey(key.name)) ?? key.defaultValue ?? "false").lowercased()
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw BeckonError.invalidInput(field: key.name, reason: "'\(text)' is not true or false")
        }
    }

    func int(_ key: ConfigurationKey, in range: ClosedRange<Int>) throws -> Int {
        let value: Int
        if let typed = try? reader.requiredInt(forKey: ConfigKey(key.name)) {
            value = typed
        } else if let text = reader.string(forKey: ConfigKey(key.name)) {
            guard let parsed = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw BeckonError.invalidInput(field: key.name, reason: "'\(text)' is not a whole number")
            }
            value = parsed
        } else {
            value = Int(key.defaultValue ?? "0") ?? 0
        }
        guard range.contains(value) else {
            throw BeckonError.invalidInput(field: key.name, reason: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}
