import BeckonCore
import Foundation
import Hummingbird

/// The console's files under `/console/` (SPEC §11). Its sign-in is a generated operation
/// (`APIHandler+Console.swift`); everything else it does goes through the management and
/// report APIs, which accept the session cookie (`ConsoleSessionAuth`) with the role's scopes.
struct ConsoleFileRoutes {
    let assets: ConsoleAssets

    func register(on router: Router<AppRequestContext>) {
        // `/console` and `/console/` are one route; the page names its files absolutely.
        router.get("console") { _, _ in try assets.response(for: "index.html") }
        router.get("console/:file") { _, context in try assets.response(for: try context.parameters.require("file")) }
    }
}

/// The console's static files, read once at start.
struct ConsoleAssets: Sendable {
    let files: [String: (contentType: String, bytes: [UInt8])]

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; "
        + "font-src 'self' https: data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        + "form-action 'self'"

    static func load(publicDirectory: String?) throws -> ConsoleAssets {
        let folder = try PublicDirectory.find(configured: publicDirectory) + "/console"
        var files: [String: (String, [UInt8])] = [:]
        let types = [
            "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml",
        ]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            guard let type = types[(name as NSString).pathExtension] else { continue }
            files[name] = (type, Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))))
        }
        return ConsoleAssets(files: files)
    }

    func response(for name: String) throws -> Response {
        guard let file = files[name] else { throw BeckonError.notFound("console file '\(name)'") }
        return Response(
            status: .ok,
            headers: [
                .contentType: file.contentType, .contentSecurityPolicy: Self.contentSecurityPolicy, .cacheControl: "no-cache",
                .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "same-origin",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
