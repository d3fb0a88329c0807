/// Every configuration key Beckon reads, with its default and meaning. `docs/configuration.md`
/// documents the same list; a test keeps the two in step, and the command line refuses a
/// `--flag` that is not one of these keys.
package struct ConfigurationKey: Sendable, Hashable {
    package var name: String
    package var defaultValue: String?
    package var isSecret: Bool

    /// The environment variable: `http.port` → `HTTP_PORT`, `http.maxBodyBytes` → `HTTP_MAX_BODY_BYTES`.
    package var environmentVariable: String {
        words.joined(separator: "_").uppercased()
    }

    /// The command-line flag: `http.port` → `--http-port`, `storage.sqlite.path` → `--storage-sqlite-path`.
    package var flag: String { "--" + words.joined(separator: "-").lowercased() }

    /// The key split at dots and camel-case boundaries, as swift-configuration encodes keys.
    private var words: [String] {
        name.split(separator: ".").flatMap { component -> [String] in
            var words: [String] = [""]
            for character in component {
                if character.isUppercase, !(words.last ?? "").isEmpty { words.append("") }
                words[words.count - 1].append(character)
            }
            return words
        }
    }

    package static let httpHost = ConfigurationKey(name: "http.host", defaultValue: "127.0.0.1", isSecret: false)
    package static let httpPort = ConfigurationKey(name: "http.port", defaultValue: "8080", isSecret: false)
    package static let httpMaxBodyBytes = ConfigurationKey(name: "http.maxBodyBytes", defaultValue: "65536", isSecret: false)
    package static let httpIdleTimeoutSeconds = ConfigurationKey(
        name: "http.idleTimeoutSeconds", defaultValue: "75", isSecret: false)
    package static let httpHeadTimeoutSeconds = ConfigurationKey(
        name: "http.headTimeoutSeconds", defaultValue: "10", isSecret: false)
    package static let httpBodyTimeoutSeconds = ConfigurationKey(
        name: "http.bodyTimeoutSeconds", defaultValue: "30", isSecret: false)
    package static let httpMaxConnections = ConfigurationKey(name: "http.maxConnections", defaultValue: "8000", isSecret: false)
    package static let httpTrustForwardedFor = ConfigurationKey(
        name: "http.trustForwardedFor", defaultValue: "false", isSecret: false)
    package static let httpPublicDir = ConfigurationKey(name: "http.publicDir", defaultValue: nil, isSecret: false)
    package static let visitsTimeoutMinutes = ConfigurationKey(name: "visits.timeoutMinutes", defaultValue: "30", isSecret: false)
    package static let visitsLiveHours = ConfigurationKey(name: "visits.liveHours", defaultValue: "6", isSecret: false)
    package static let visitsMaxVisitors = ConfigurationKey(name: "visits.maxVisitors", defaultValue: "2000000", isSecret: false)
    package static let reportsRollupIntervalSeconds = ConfigurationKey(
        name: "reports.rollupIntervalSeconds", defaultValue: "2", isSecret: false)
    package static let logLevel = ConfigurationKey(name: "log.level", defaultValue: "info", isSecret: false)
    package static let storageDriver = ConfigurationKey(name: "storage.driver", defaultValue: "sqlite", isSecret: false)
    package static let storageSQLitePath = ConfigurationKey(
        name: "storage.sqlite.path", defaultValue: "./data/beckon.sqlite", isSecret: false)
    package static let storagePostgresURL = ConfigurationKey(name: "storage.postgres.url", defaultValue: nil, isSecret: true)
    package static let storagePostgresMaxConnections = ConfigurationKey(
        name: "storage.postgres.maxConnections", defaultValue: "20", isSecret: false)
    package static let clusterNodeId = ConfigurationKey(name: "cluster.nodeId", defaultValue: nil, isSecret: false)
    package static let journalBatchMaxEvents = ConfigurationKey(
        name: "journal.batchMaxEvents", defaultValue: "2000", isSecret: false)
    package static let storageDeadlineMs = ConfigurationKey(name: "storage.deadlineMs", defaultValue: "1500", isSecret: false)
    package static let journalBatchMaxDelayMs = ConfigurationKey(
        name: "journal.batchMaxDelayMs", defaultValue: "0", isSecret: false)
    package static let secretsMasterKey = ConfigurationKey(name: "secrets.masterKey", defaultValue: nil, isSecret: true)
    package static let secretsMasterKeyFile = ConfigurationKey(name: "secrets.masterKeyFile", defaultValue: nil, isSecret: false)

    package static let limitsRequestsPerMinute = ConfigurationKey(
        name: "limits.perAddress.requestsPerMinute", defaultValue: "6000", isSecret: false)
    package static let limitsNewVisitorsPerMinute = ConfigurationKey(
        name: "limits.perAddress.newVisitorsPerMinute", defaultValue: "600", isSecret: false)
    package static let limitsTrackedAddresses = ConfigurationKey(
        name: "limits.perAddress.trackedAddresses", defaultValue: "100000", isSecret: false)
    package static let limitsStreamsPerClick = ConfigurationKey(
        name: "limits.statusStreams.perClick", defaultValue: "3", isSecret: false)
    package static let limitsStreamsPerNode = ConfigurationKey(
        name: "limits.statusStreams.perNode", defaultValue: "10000", isSecret: false)

    package static let webhooksAllowPrivateTargets = ConfigurationKey(
        name: "webhooks.allowPrivateTargets", defaultValue: "false", isSecret: false)
    package static let webhooksAllowHTTP = ConfigurationKey(name: "webhooks.allowHttp", defaultValue: "false", isSecret: false)

    package static let all: [ConfigurationKey] = [
        httpHost, httpPort, httpMaxBodyBytes, httpIdleTimeoutSeconds, httpHeadTimeoutSeconds, httpBodyTimeoutSeconds, httpMaxConnections,
        httpTrustForwardedFor, httpPublicDir, visitsTimeoutMinutes,
        visitsLiveHours,
        visitsMaxVisitors, reportsRollupIntervalSeconds, logLevel, storageDriver, storageSQLitePath, storagePostgresURL,
        storagePostgresMaxConnections, storageDeadlineMs, clusterNodeId, journalBatchMaxEvents, journalBatchMaxDelayMs, secretsMasterKey,
        secretsMasterKeyFile, limitsRequestsPerMinute, limitsNewVisitorsPerMinute, limitsTrackedAddresses,
        limitsStreamsPerClick, limitsStreamsPerNode, webhooksAllowPrivateTargets, webhooksAllowHTTP,
    ]
}
