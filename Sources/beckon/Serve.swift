import ArgumentParser
import BeckonServer
import BeckonStorage
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Beckon server until SIGINT or SIGTERM.",
        discussion: "Example: beckon serve --http-port 9000 --storage-sqlite-path /var/lib/beckon/beckon.sqlite")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        try await reportingErrors {
            let configuration = try await options.load()
            try await BeckonRuntime.serve(configuration, logger: makeLogger(level: configuration.logLevel))
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date.")

    @OptionGroup var options: SettingsOptions

    func run() async throws {
        try await reportingErrors {
            let configuration = try await options.load()
            let (applied, status) = try await BeckonRuntime.migrate(configuration, logger: makeLogger(level: .warning))
            if applied.isEmpty {
                print("schema is current (version \(status.current))")
            } else {
                print("applied migrations \(applied.map(String.init).joined(separator: ", ")); schema is at version \(status.current)")
            }
        }
    }
}

struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports", abstract: "Maintain the report rollups.", subcommands: [Rebuild.self])

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget the hourly rollups and count the whole journal again.",
            discussion: """
                Use after changing an account's time zone or a campaign's goal, to apply them to the past. \
                Safe while servers run: they notice and continue after the rebuild.
                """)

        @OptionGroup var options: SettingsOptions

        func run() async throws {
            try await reportingErrors {
                let configuration = try await options.load()
                let counted = try await BeckonRuntime.rebuildReports(configuration, logger: makeLogger(level: .warning))
                print("rollups rebuilt from \(counted) journal events")
            }
        }
    }
}
