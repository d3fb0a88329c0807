import BeckonCore
import Crypto
import Foundation
import Hummingbird
import Synchronization

/// `GET /tag/v1/{accountId}/{siteId}.js` (SPEC §3): `Public/beckon.min.js` (made from `beckon.js` by
/// `scripts/build-tag`) with the site's settings in place of its config placeholder, with an
/// `ETag`, a five-minute cache lifetime and gzip when the browser accepts it. Rendered once per site.
struct TagRoutes {
    let template: WebsiteTag
    let sites: SiteDirectory
    let limits: AddressLimits

    func register(on router: Router<AppRequestContext>) {
        // The tag in preview mode, for the console's preview page (PreviewPage): it draws the
        // engagement the page holds and talks to no server. Public code, no data.
        router.get("tag/v1/preview.js") { request, _ in
            let tag = template.preview
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/javascript; charset=utf-8", .cacheControl: "public, max-age=300",
                    .eTag: tag.etag, .accessControlAllowOrigin: "*",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: tag.plain)))
        }
        router.get("tag/v1/:accountId/:file") { request, context in
            let accountText = try context.parameters.require("accountId")
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".js"), let accountId = try? AccountID(accountText) else {
                throw BeckonError.notFound("tag \(accountText)/\(file)")
            }
            try await limits.request(request, context, endpoint: "tag", accountId: accountId)
            let site = try await sites.site(accountId: accountId, id: String(file.dropLast(3)))
            let tag = template.rendered(for: site)
            if request.uri.queryParameters.get("sri") == "1" {
                // Subresource Integrity: the value for `<script integrity=… crossorigin="anonymous">`.
                return try MonitoringRoutes.json(
                    ["integrity": tag.integrity, "crossorigin": "anonymous"], status: .ok,
                    headers: [.accessControlAllowOrigin: "*"])
            }
            var headers: HTTPFields = [
                .contentType: "application/javascript; charset=utf-8", .cacheControl: "public, max-age=300",
                .eTag: tag.etag, .vary: "Accept-Encoding",
                // Public code: a page may load it with crossorigin="anonymous" (needed for SRI).
                .accessControlAllowOrigin: "*",
            ]
            if let match = request.headers[.ifNoneMatch],
                match.split(separator: ",").contains(where: {
                    $0.trimmingCharacters(in: .whitespaces) == tag.etag
                })
            {
                return Response(status: .notModified, headers: headers)
            }
            let gzip = request.headers[.acceptEncoding]?.lowercased().contains("gzip") == true
            if gzip, tag.gzipped != nil { headers[.contentEncoding] = "gzip" }
            let body = gzip ? tag.gzipped ?? tag.plain : tag.plain
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}

/// The website tag's source and its per-site renderings.
final class WebsiteTag: Sendable {
    struct Rendered: Sendable {
        var plain: [UInt8]
        var gzipped: [UInt8]?
        var etag: String
        /// `sha384-…` of `plain`, for Subresource Integrity.
        var integrity: String
    }

    private let source: String
    private let cache = Mutex<[String: Rendered]>([:])
    /// The tag with `preview: true` in its settings (see `TagRoutes`).
    let preview: Rendered

    /// `minified` is `beckon.min.js` as `scripts/build-tag` writes it: its header line is dropped
    /// and `__BECKON_CONFIG__` stands where each site's settings go.
    init(minified: String) throws {
        var text = Substring(minified)
        if text.hasPrefix("/*"), let end = text.firstIndex(of: "\n") { text = text[text.index(after: end)...] }
        guard text.contains(Self.configToken) else {
            throw BeckonError.invalidInput(field: "http.publicDir", reason: "beckon.min.js has no \(Self.configToken); run scripts/build-tag")
        }
        source = String(text)
        preview = Self.render(source, Config(accountId: "", siteId: "", preview: true))
    }

    static let configToken = "__BECKON_CONFIG__"

    /// Reads `beckon.min.js` from `directory`, or from the first `Public` folder found: the working
    /// directory's, or the one of the repository the executable was built in.
    static func load(publicDirectory directory: String?) throws -> WebsiteTag {
        let folder = try PublicDirectory.find(configured: directory)
        let path = folder + "/beckon.min.js"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BeckonError.invalidInput(field: "http.publicDir", reason: "no \(path); run scripts/build-tag")
        }
        return try WebsiteTag(minified: text)
    }

    func rendered(for site: Site) -> Rendered {
        let key = "\(site.accountId.rawValue)/\(site.id)"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let rendered = Self.render(source, Config(accountId: site.accountId.rawValue, siteId: site.id))
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[key] = rendered
        }
        return rendered
    }

    struct Config: Encodable {
        var accountId: String
        var siteId: String
        var preview: Bool?
    }

    static func render(_ source: String, _ settings: Config) -> Rendered {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let config = String(decoding: try! encoder.encode(settings), as: UTF8.self)
        let plain = Array(source.replacingOccurrences(of: Self.configToken, with: config).utf8)
        let digest = SHA256.hash(data: plain).prefix(12).map { String(format: "%02x", $0) }.joined()
        let integrity = "sha384-" + Data(SHA384.hash(data: plain)).base64EncodedString()
        return Rendered(plain: plain, gzipped: Gzip.compress(plain), etag: "\"\(digest)\"", integrity: integrity)
    }

}

/// The folder with Beckon's browser files (`beckon.js`, `console/`): `http.publicDir` when set
/// (and then only it: a wrong setting is an error, not a quiet fallback), else `./Public`, else the
/// `Public` folder of the repository the executable was built in.
enum PublicDirectory {
    static func find(configured directory: String?) throws -> String {
        if let directory, !directory.isEmpty {
            guard FileManager.default.fileExists(atPath: directory + "/beckon.js") else {
                throw BeckonError.invalidInput(field: "http.publicDir", reason: "no beckon.js in \(directory)")
            }
            return directory
        }
        var candidates: [String] = []
        candidates.append(FileManager.default.currentDirectoryPath + "/Public")
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("Public").path)
            folder = folder.deletingLastPathComponent()
        }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/beckon.js") }) { return found }
        throw BeckonError.invalidInput(
            field: "http.publicDir", reason: "no beckon.js found in \(candidates.joined(separator: ", "))")
    }
}
