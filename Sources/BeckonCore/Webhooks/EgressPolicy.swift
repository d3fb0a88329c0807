import Foundation

/// Where Beckon may send requests to brands' URLs (SPEC §12): only https, and only to public
/// addresses — never loopback, private, link-local (cloud metadata lives there), CGNAT,
/// documentation, multicast or reserved ranges — unless the operator allows it
/// (`webhooks.allowHttp`, `webhooks.allowPrivateTargets`: tests, on-premise receivers). The
/// address is checked where the connection is made, on the address actually connected to.
package struct EgressPolicy: Sendable, Equatable {
    package var allowPrivateTargets: Bool
    package var allowHTTP: Bool

    package init(allowPrivateTargets: Bool = false, allowHTTP: Bool = false) {
        self.allowPrivateTargets = allowPrivateTargets
        self.allowHTTP = allowHTTP
    }

    /// The longest URL accepted.
    package static let maximumURLLength = 2048

    /// Checks a URL a brand gives (a 400 naming `field` otherwise): absolute http(s) with a
    /// host, no user name or password, https unless allowed, and — when the host is an address —
    /// a public one unless allowed. Host names are checked when they are resolved.
    package func check(url text: String, field: String = "url") throws(BeckonError) {
        guard text.utf8.count <= Self.maximumURLLength else {
            throw .invalidInput(field: field, reason: "must be at most \(Self.maximumURLLength) characters")
        }
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { throw .invalidInput(field: field, reason: "must be an absolute http or https URL with a host") }
        guard scheme == "https" || scheme == "http" else { throw .invalidInput(field: field, reason: "must use https") }
        guard scheme == "https" || allowHTTP else {
            throw .invalidInput(field: field, reason: "must use https (plain http is off: webhooks.allowHttp)")
        }
        guard url.user == nil, url.password == nil else {
            throw .invalidInput(field: field, reason: "must not carry a user name or password")
        }
        if url.fragment != nil { throw .invalidInput(field: field, reason: "must not have a fragment") }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let address = IPAddress(bare), !allows(address) {
            throw .invalidInput(field: field, reason: "is a private or reserved address (webhooks.allowPrivateTargets is off)")
        }
    }

    /// Whether a connection to `address` is allowed.
    package func allows(_ address: IPAddress) -> Bool { allowPrivateTargets || address.isPublic }
}

/// An IPv4 or IPv6 address, and whether it is on the public internet.
package struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    /// 4 or 16 bytes.
    package let bytes: [UInt8]

    package init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses dotted IPv4 or textual IPv6 (`inet_pton`).
    package init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        bytes = withUnsafeBytes(of: &v6) { Array($0) }
    }

    package var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// Not loopback, private (RFC 1918, ULA), link-local (169.254/16 with the cloud metadata
    /// address, fe80::/10), CGNAT (100.64/10), unspecified, documentation, benchmarking,
    /// multicast or reserved; IPv4 inside IPv6 (mapped, NAT64, 6to4) is judged as IPv4.
    package var isPublic: Bool {
        if bytes.count == 4 { return Self.isPublicV4(bytes) }
        let b = bytes
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return Self.isPublicV4(Array(b[12...])) }
        if b[0..<12] == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return Self.isPublicV4(Array(b[12...])) }
        if b[0] == 0x20 && b[1] == 0x02 { return Self.isPublicV4(Array(b[2..<6])) }
        if b[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
        if b[0] & 0xfe == 0xfc { return false }  // fc00::/7 unique local (fd00:ec2::254 metadata)
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return false }  // fe80::/10 link-local
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return false }  // fec0::/10 site-local (deprecated)
        if b[0] == 0xff { return false }  // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return false }  // documentation
        if b[0] == 0x01 && b[1..<8].allSatisfy({ $0 == 0 }) { return false }  // 100::/64 discard
        return b[0] & 0xe0 == 0x20  // 2000::/3 is the global unicast space
    }

    private static func isPublicV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1], b[2]) {
        case (0, _, _), (10, _, _), (127, _, _): return false
        case (100, 64...127, _): return false  // CGNAT
        case (169, 254, _): return false  // link-local, 169.254.169.254 metadata
        case (172, 16...31, _): return false
        case (192, 0, 0), (192, 0, 2), (192, 88, 99), (192, 168, _): return false
        case (198, 18...19, _), (198, 51, 100), (203, 0, 113): return false
        case (224...255, _, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }
}
