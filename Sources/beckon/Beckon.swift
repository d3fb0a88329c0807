import ArgumentParser
import BeckonCore
import BeckonServer
import Foundation
import Logging

@main
struct Beckon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beckon",
        abstract: "Proactive website engagement with Click to Call.",
        discussion: """
            Settings come from --flags (see docs/configuration.md), environment variables and an \
            optional JSON file (--config), in that order. With none, Beckon serves on 127.0.0.1:8080 \
            with an SQLite database in ./data.
            """,
        subcommands: [
            Serve.self, Demo.self, Migrate.self, AccountCommand.self, SiteCommand.self, APIKeyCommand.self, UserCommand.self, ReportsCommand.self,
        ])
}

/// The settings every command accepts: `--config FILE` and any configuration key as a flag.
struct SettingsOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "A JSON configuration file.")
    var configFile: String?

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var settings: [String] = []

    func load() async throws -> BeckonConfiguration {
        try await BeckonConfiguration.load(arguments: settings, configFile: configFile)
    }
}

/// Runs a command body, printing Beckon's errors plainly and exiting non-zero:
/// 2 for bad input, 1 for a refused operation (exists already, not found), 3 for storage.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as BeckonError {
        FileHandle.standardError.write(Data("beckon: \(error.description)\n".utf8))
        switch error {
        case .invalidInput: throw ExitCode(2)
        case .conflict, .notFound, .unknownAccount, .unknownVisitor, .unknownVisit, .unauthorized, .forbidden:
            throw ExitCode(1)
        case .schemaBehind, .schemaAhead, .storageUnavailable, .journalClosed: throw ExitCode(3)
        }
    }
}

func makeLogger(level: Logger.Level) -> Logger {
    var logger = Logger(label: "beckon") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = level
    return logger
}

/// Prints one JSON object on a line (for `--json`).
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
