import BeckonCore
import BeckonServer
import BeckonTesting
import CZlib
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import Testing

@Suite struct TagRouteTests {
    @Test func servesTheTagWithTheSitesSettingsCacheHeadersAndETag() async throws {
        try await TestApp.with { app, client in
            let (site, _) = try await app.provisioning.createSite(accountId: "acme", name: "Shop", origins: ["https://www.acme.example"])
            let path = "/tag/v1/acme/\(site.id).js"
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/javascript; charset=utf-8")
            #expect(response.headers[.cacheControl] == "public, max-age=300")
            let body = response.text
            #expect(body.contains(#"{"accountId":"acme","siteId":"\#(site.id)"}"#))
            #expect(!body.contains("@config"), "the placeholder is replaced")
            #expect(!body.contains("\n//"), "comment lines are stripped")
            let etag = try #require(response.headers[.eTag])
            let again = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            let other = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: "\"stale\""])
            #expect(other.status == .ok)
        }
    }

    @Test func gzipsWhenAcceptedAndStaysWithinTheSizeBudget() async throws {
        try await TestApp.with { app, client in
            let (site, _) = try await app.provisioning.createSite(accountId: "acme", name: "Shop", origins: ["https://www.acme.example"])
            let plain = try await client.execute(uri: "/tag/v1/acme/\(site.id).js", method: .get)
            let zipped = try await client.execute(
                uri: "/tag/v1/acme/\(site.id).js", method: .get, headers: [.acceptEncoding: "gzip, deflate, br"])
            #expect(zipped.headers[.contentEncoding] == "gzip")
            #expect(zipped.headers[.eTag] == plain.headers[.eTag])
            let compressed = Array(zipped.body.readableBytesView)
            #expect(compressed.prefix(2) == [0x1f, 0x8b])
            #expect(Self.gunzip(compressed) == Array(plain.body.readableBytesView))
            // SPEC §3: at most 12 KB minified and 5 KB gzip.
            #expect(plain.body.readableBytes <= 12 * 1024, "\(plain.body.readableBytes) bytes")
            #expect(compressed.count <= 5 * 1024, "\(compressed.count) bytes gzip")
        }
    }

    @Test func sriAnswersTheIntegrityOfTheServedFile() async throws {
        try await TestApp.with { app, client in
            let (site, _) = try await app.provisioning.createSite(accountId: "acme", name: "Shop", origins: ["https://www.acme.example"])
            let plain = try await client.execute(uri: "/tag/v1/acme/\(site.id).js", method: .get)
            #expect(plain.headers[.accessControlAllowOrigin] == "*")
            let pin = try await client.execute(uri: "/tag/v1/acme/\(site.id).js?sri=1", method: .get)
            let answer = try JSONDecoder().decode([String: String].self, from: Data(buffer: pin.body))
            let expected = "sha384-" + Data(SHA384.hash(data: Array(plain.body.readableBytesView))).base64EncodedString()
            #expect(answer == ["integrity": expected, "crossorigin": "anonymous"])
        }
    }

    @Test func unknownSitesAndOtherAccountsSitesAreNotServed() async throws {
        try await TestApp.with { app, client in
            let (site, _) = try await app.provisioning.createSite(accountId: "acme", name: "Shop", origins: ["https://www.acme.example"])
            #expect(try await client.execute(uri: "/tag/v1/acme/s_nothing.js", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/tag/v1/globex/\(site.id).js", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/tag/v1/acme/\(site.id).css", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/tag/v1/NOPE/\(site.id).js", method: .get).status == .notFound)
        }
    }

    static func gunzip(_ data: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var input = data
        var output = [UInt8](repeating: 0, count: 1 << 20)
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return Array(output.prefix(Int(stream.total_out)))
    }
}
