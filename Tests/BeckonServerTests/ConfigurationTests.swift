import BeckonCore
import BeckonServer
import BeckonStorage
import Foundation
import Logging
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsServeSQLiteOnLoopback8080() async throws {
        let configuration = try await BeckonConfiguration.load(arguments: [], environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.storage.driver == .sqlite)
        #expect(configuration.storage.sqlitePath == "./data/beckon.sqlite")
        #expect(configuration.maxBodyBytes == 65536)
        #expect(configuration.journal.maxBatchEvents == 2000)
        #expect(configuration.logLevel == .info)
    }

    @Test func commandLineBeatsEnvironmentBeatsFileBeatsDefaults() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"http": {"port": 7001, "host": "0.0.0.0", "maxBodyBytes": 5000}, "log": {"level": "debug"}}"#.utf8)
            .write(to: file)
        let configuration = try await BeckonConfiguration.load(
            arguments: ["--http-port", "7003"], configFile: file.path,
            environment: ["HTTP_PORT": "7002", "HTTP_HOST": "127.0.0.2", "JOURNAL_BATCH_MAX_EVENTS": "50"])
        #expect(configuration.port == 7003)
        #expect(configuration.host == "127.0.0.2")
        #expect(configuration.maxBodyBytes == 5000)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.journal.maxBatchEvents == 50)
    }

    @Test func configFileMayComeFromTheEnvironment() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"storage": {"sqlite": {"path": "/tmp/x.sqlite"}}}"#.utf8).write(to: file)
        let configuration = try await BeckonConfiguration.load(environment: ["BECKON_CONFIG_FILE": file.path])
        #expect(configuration.storage.sqlitePath == "/tmp/x.sqlite")
    }

    @Test func badValuesAreRefusedByName() async throws {
        await #expect(throws: BeckonError.invalidInput(field: "http.port", reason: "'eighty' is not a whole number")) {
            try await BeckonConfiguration.load(environment: ["HTTP_PORT": "eighty"])
        }
        await #expect(throws: BeckonError.invalidInput(field: "http.port", reason: "70000 is outside 0...65535")) {
            try await BeckonConfiguration.load(arguments: ["--http-port=70000"], environment: [:])
        }
        await #expect(throws: BeckonError.self) { try await BeckonConfiguration.load(environment: ["STORAGE_DRIVER": "mysql"]) }
        await #expect(throws: BeckonError.self) { try await BeckonConfiguration.load(environment: ["LOG_LEVEL": "loud"]) }
        await #expect(throws: BeckonError.invalidInput(field: "storage.postgres.url", reason: "is required when storage.driver is postgres")) {
            try await BeckonConfiguration.load(environment: ["STORAGE_DRIVER": "postgres"])
        }
        await #expect(throws: BeckonError.self) { try await BeckonConfiguration.load(configFile: "/nonexistent/beckon.json", environment: [:]) }
    }

    @Test func unknownFlagsAreRefused() async throws {
        await #expect(throws: BeckonError.self) {
            try await BeckonConfiguration.load(arguments: ["--http-prot", "9000"], environment: [:])
        }
    }

    @Test func keysMapToFlagsAndEnvironmentVariables() {
        #expect(ConfigurationKey.httpMaxBodyBytes.flag == "--http-max-body-bytes")
        #expect(ConfigurationKey.httpMaxBodyBytes.environmentVariable == "HTTP_MAX_BODY_BYTES")
        #expect(ConfigurationKey.storageSQLitePath.flag == "--storage-sqlite-path")
        #expect(ConfigurationKey.storagePostgresURL.environmentVariable == "STORAGE_POSTGRES_URL")
    }

    @Test func everyKeyIsDocumented() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for key in ConfigurationKey.all {
            #expect(text.contains("`\(key.name)`"), "docs/configuration.md lacks \(key.name)")
            #expect(text.contains("`\(key.environmentVariable)`"), "docs/configuration.md lacks \(key.environmentVariable)")
            #expect(text.contains("`\(key.flag)`"), "docs/configuration.md lacks \(key.flag)")
        }
    }

    @Test func masterKeyIsCreatedOnceBesideTheSQLiteFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("beckon-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = BeckonConfiguration(storage: .init(sqlitePath: folder.appendingPathComponent("db.sqlite").path))
        let box = try configuration.resolveMasterKey()
        let sealed = box.seal("s", boundTo: "r")
        let keyFile = folder.appendingPathComponent("master.key").path
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try configuration.resolveMasterKey().open(sealed, boundTo: "r") == "s")
    }

    @Test func postgresNeedsAnExplicitMasterKey() throws {
        let configuration = BeckonConfiguration(storage: .init(driver: .postgres, postgresURL: "postgres://x@127.0.0.1/db"))
        #expect(throws: BeckonError.self) { try configuration.resolveMasterKey() }
        var given = configuration
        given.masterKey = Base64.encode(SecretBox.generateMasterKey())
        _ = try given.resolveMasterKey()
    }
}
