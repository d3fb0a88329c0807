import BeckonCore
import Crypto
import Foundation
import Hummingbird
import Synchronization

/// `GET /tag/v1/{accountId}/{siteId}.js` (SPEC §3): `Public/beckon.js` with the site's settings in
/// place of its config placeholder, comment lines and indentation stripped, with an `ETag`, a
/// five-minute cache lifetime and gzip when the browser accepts it. Rendered once per site.
struct TagRoutes {
    let template: WebsiteTag
    let sites: SiteDirectory
    let limits: AddressLimits

    func register(on router: Router<AppRequestContext>) {
        router.get("tag/v1/:accountId/:file") { request, context in
            let accountText = try context.parameters.require("accountId")
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".js"), let accountId = try? AccountID(accountText) else {
                throw BeckonError.notFound("tag \(accountText)/\(file)")
            }
            try await limits.request(request, context, endpoint: "tag", accountId: accountId)
            let site = try await sites.site(accountId: accountId, id: String(file.dropLast(3)))
            let tag = template.rendered(for: site)
            var headers: HTTPFields = [
                .contentType: "application/javascript; charset=utf-8", .cacheControl: "public, max-age=300",
                .eTag: tag.etag, .vary: "Accept-Encoding",
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
    }

    private let source: String
    private let cache = Mutex<[String: Rendered]>([:])

    /// `source` is `beckon.js` as in the repository.
    init(source: String) {
        self.source = Self.minify(source)
    }

    /// Reads `beckon.js` from `directory`, or from the first `Public` folder found: the working
    /// directory's, or the one of the repository the executable was built in.
    static func load(publicDirectory directory: String?) throws -> WebsiteTag {
        let folder = try PublicDirectory.find(configured: directory)
        return WebsiteTag(source: try String(contentsOfFile: folder + "/beckon.js", encoding: .utf8))
    }

    func rendered(for site: Site) -> Rendered {
        let key = "\(site.accountId.rawValue)/\(site.id)"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let rendered = render(site)
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[key] = rendered
        }
        return rendered
    }

    func render(_ site: Site) -> Rendered {
        struct Config: Encodable {
            var accountId: String
            var siteId: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let config = String(decoding: try! encoder.encode(Config(accountId: site.accountId.rawValue, siteId: site.id)), as: UTF8.self)
        var text = source
        if let start = text.range(of: "/*@config*/"), let end = text.range(of: "/*@end*/", range: start.upperBound..<text.endIndex) {
            text.replaceSubrange(start.lowerBound..<end.upperBound, with: config)
        }
        let plain = Array(text.utf8)
        let digest = SHA256.hash(data: plain).prefix(12).map { String(format: "%02x", $0) }.joined()
        return Rendered(plain: plain, gzipped: Gzip.compress(plain), etag: "\"\(digest)\"")
    }

    /// Drops the leading block comment, whole-line `//` comments, indentation and blank lines:
    /// safe for this file, which keeps no string literal across lines.
    static func minify(_ source: String) -> String {
        var text = Substring(source)
        if text.hasPrefix("/*"), let end = text.range(of: "*/") { text = text[end.upperBound...] }
        return text.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("//") }
            .joined(separator: "\n") + "\n"
    }

    var minifiedSourceBytes: Int { source.utf8.count }
}

/// The folder with Beckon's browser files (`beckon.js`, `console/`): `http.publicDir`, else
/// `./Public`, else the `Public` folder of the repository the executable was built in.
enum PublicDirectory {
    static func find(configured directory: String?) throws -> String {
        var candidates: [String] = []
        if let directory, !directory.isEmpty { candidates.append(directory) }
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
