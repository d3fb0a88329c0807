import ArgumentParser
import BeckonDemo
import Foundation
import Logging

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole Click to Call flow on this machine: Beckon, a sample brand site and its call page.",
        discussion: """
            Starts Beckon on a fresh SQLite database in --data-dir (replaced on every start) with a demo \
            account, site, live Click to Call campaign and console admin; the reference brand call page \
            with a simulated dialer; and a sample website with the tag. Prints the URLs to open. Ctrl-C stops.
            """)

    @Option(help: "Beckon's port.") var httpPort = 8080
    @Option(help: "The reference call page's port.") var callpagePort = 8081
    @Option(help: "The sample website's port.") var sitePort = 8082
    @Option(help: "Where the demo's database lives (replaced on every start).") var dataDir = "./data/demo"
    @Option(help: "Multiplies the simulated call's pauses (0.2 is five times faster).") var callSpeed = 1.0
    @Option(help: "The folder with beckon.js, console/ and demo/ (default: found).") var publicDir: String?
    @Flag(help: "Print one JSON line with the URLs and credentials instead of the instructions.") var json = false

    func run() async throws {
        var options = BeckonDemo.Options()
        options.beckonPort = httpPort
        options.callPagePort = callpagePort
        options.sitePort = sitePort
        options.dataDirectory = dataDir
        options.callSpeed = callSpeed
        options.publicDirectory = publicDir
        let json = self.json
        let dataDirectory = dataDir
        try await reportingErrors {
            try await BeckonDemo.run(options, logger: makeLogger(level: .warning)) { started in
                // Written straight to the file descriptor: a pipe must see it now, not at exit.
                let out = FileHandle.standardOutput
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    out.write((try? encoder.encode(started)) ?? Data())
                    out.write(Data("\n".utf8))
                } else {
                    out.write(
                        Data(
                            """

                            Beckon demo is running. Open these in a browser:

                              1. The brand's website:   \(started.product)
                                 Wait two seconds: a Click to Call banner appears. Click "Call me now".
                              2. The call page opens:   enter any number with its country code (e.g. +1 555 010 0123),
                                 agree to be called, and watch the call go from ringing to completed — on the call
                                 page and, at the same time, on the website.
                              3. The console:           \(started.console)
                                 email \(started.consoleEmail)   password \(started.consolePassword)
                                 Reports shows the exposure, the click and the completed call; Visitors shows the visit.

                            Numbers ending in 0000 are not answered, 1111 are busy, 2222 fail.
                            Data: \(dataDirectory) (fresh on every start). Ctrl-C stops.

                            """.utf8))
                }
            }
        }
    }
}
