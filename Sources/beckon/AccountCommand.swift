import ArgumentParser
import BeckonCore
import BeckonServer
import Logging

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Manage accounts.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account and its first admin; prints the admin's generated password once.")

        @Argument(help: "The account id: 3 to 40 of a-z, 0-9 and '-'.")
        var id: String
        @Option(help: "The brand's name (default: the id).")
        var name: String?
        @Option(help: "The first admin's email address.")
        var adminEmail: String
        @Option(help: "IANA time zone reports use.")
        var timeZone: String = Account.defaultTimeZone
        @Option(help: "ISO 4217 currency of revenue.")
        var currency: String = Account.defaultCurrency
        @Flag(help: "Print one JSON object: {accountId, adminEmail, adminPassword}.")
        var json = false
        @OptionGroup var options: SettingsOptions

        func run() async throws {
            try await reportingErrors {
                let configuration = try await options.load()
                let created = try await BeckonRuntime.withProvisioning(configuration, logger: makeLogger(level: .warning)) {
                    try await $0.createAccount(
                        id: id, name: name, adminEmail: adminEmail, timeZone: timeZone, currency: currency)
                }
                if json {
                    try printJSON(created)
                } else {
                    print("created account \(created.accountId)")
                    print("admin:    \(created.adminEmail)")
                    print("password: \(created.adminPassword)   (shown only now)")
                }
            }
        }
    }
}

struct SiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site", abstract: "Manage an account's sites.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a tagged website to an account.")

        @Argument(help: "The account id.")
        var account: String
        @Option(name: .customLong("origin"), help: "An origin allowed to call Beckon, e.g. https://www.brand.example (repeatable).")
        var origins: [String] = []
        @Option(help: "A name for the site.")
        var name: String?
        @Flag(help: "Print one JSON object: {siteId, debugKey}.")
        var json = false
        @OptionGroup var options: SettingsOptions

        struct Output: Encodable {
            var siteId: String
            var debugKey: String
        }

        func run() async throws {
            try await reportingErrors {
                let configuration = try await options.load()
                let (site, debugKey) = try await BeckonRuntime.withProvisioning(configuration, logger: makeLogger(level: .warning)) {
                    try await $0.createSite(accountId: account, name: name, origins: origins)
                }
                if json {
                    try printJSON(Output(siteId: site.id, debugKey: debugKey))
                } else {
                    print("created site \(site.id) for \(site.allowedOrigins.joined(separator: ", "))")
                    print("debug key: \(debugKey)   (shown only now; unlocks ?debug=1 decision traces)")
                    print("tag: <script async src=\"https://YOUR-BECKON-HOST/tag/v1/\(site.accountId)/\(site.id).js\"></script>")
                }
            }
        }
    }
}

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage an account's API keys.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key; its secrets are printed once and stored only hashed or sealed.")

        @Argument(help: "The account id.")
        var account: String
        @Option(help: "Comma-separated: \(Scope.allCases.map(\.rawValue).joined(separator: ", ")).")
        var scopes: String
        @Option(help: "A name to recognise the key by.")
        var name: String?
        @Flag(help: "Print one JSON object: {id, scopes, bearer, oauth1: {consumerKey, consumerSecret, token, tokenSecret}}.")
        var json = false
        @OptionGroup var options: SettingsOptions

        func run() async throws {
            try await reportingErrors {
                let scopeSet = try Scope.parseList(scopes)
                let configuration = try await options.load()
                let key = try await BeckonRuntime.withProvisioning(configuration, logger: makeLogger(level: .warning)) {
                    try await $0.createAPIKey(accountId: account, name: name, scopes: scopeSet)
                }
                if json {
                    try printJSON(key)
                } else {
                    print("created API key \(key.id) with scopes \(key.scopes.joined(separator: ", ")) (secrets shown only now)")
                    print("bearer:          \(key.bearer)")
                    print("consumer key:    \(key.oauth1.consumerKey)")
                    print("consumer secret: \(key.oauth1.consumerSecret)")
                    print("token:           \(key.oauth1.token)")
                    print("token secret:    \(key.oauth1.tokenSecret)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key; it stops working at once.")

        @Argument(help: "The account id.")
        var account: String
        @Argument(help: "The key id.")
        var keyId: String
        @OptionGroup var options: SettingsOptions

        func run() async throws {
            try await reportingErrors {
                let configuration = try await options.load()
                try await BeckonRuntime.withProvisioning(configuration, logger: makeLogger(level: .warning)) {
                    try await $0.revokeAPIKey(accountId: account, keyId: keyId)
                }
                print("revoked API key \(keyId)")
            }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage an account's console users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a console user; prints the generated password once.")

        @Argument(help: "The account id.")
        var account: String
        @Option(help: "The user's email address (their sign-in).")
        var email: String
        @Option(help: "admin, campaignManager or analyst.")
        var role: String
        @Flag(help: "Print one JSON object: {accountId, email, role, password}.")
        var json = false
        @OptionGroup var options: SettingsOptions

        func run() async throws {
            try await reportingErrors {
                let configuration = try await options.load()
                let created = try await BeckonRuntime.withProvisioning(configuration, logger: makeLogger(level: .warning)) {
                    try await $0.createUser(accountId: account, email: email, role: role)
                }
                if json {
                    try printJSON(created)
                } else {
                    print("created \(created.role) \(created.email) in account \(created.accountId)")
                    print("password: \(created.password)   (shown only now)")
                }
            }
        }
    }
}
