import Crypto
import Foundation

/// OAuth 1.0a request signing with HMAC-SHA1 (RFC 5849), as LivePerson's API keys use it: the
/// consumer key is the API key's id, the token its OAuth token; the signature covers the method,
/// the base URL, the query and form parameters and the `oauth_*` parameters.
enum OAuth1 {
    /// The `oauth_*` parameters of an `Authorization: OAuth …` header (values percent-decoded);
    /// nil when the header is not of that form.
    static func parameters(authorization header: String) -> [String: String]? {
        guard header.count > 6, header.prefix(6).lowercased() == "oauth " else { return nil }
        var result: [String: String] = [:]
        for part in header.dropFirst(6).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let name = String(pair[..<equals])
            var value = String(pair[pair.index(after: equals)...])
            guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return nil }
            value = String(value.dropFirst().dropLast())
            guard let decoded = value.removingPercentEncoding else { return nil }
            result[name] = decoded
        }
        return result
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters (RFC 5849 §3.6).
    static func percentEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }

    /// Name/value pairs of an `application/x-www-form-urlencoded` string (a query or a form
    /// body), decoded: `+` is a space.
    static func formPairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The signature base string (RFC 5849 §3.4.1). `baseURL` is `scheme://host[:port]/path`
    /// with the default port left out; `parameters` are the query, form and `oauth_*`
    /// parameters except `oauth_signature` and `realm`.
    static func baseString(method: String, baseURL: String, parameters: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = parameters.map { (percentEncode($0.0), percentEncode($0.1)) }
        let sorted = encoded.sorted { left, right in left.name != right.name ? left.name < right.name : left.value < right.value }
        let normalized = sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        return [method.uppercased(), percentEncode(baseURL), percentEncode(normalized)].joined(separator: "&")
    }

    /// HMAC-SHA1 of the base string, base64.
    static func signature(baseString: String, consumerSecret: String, tokenSecret: String) -> String {
        let key = SymmetricKey(data: Array("\(percentEncode(consumerSecret))&\(percentEncode(tokenSecret))".utf8))
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(baseString.utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    /// How far a request's `oauth_timestamp` may be from the server's clock.
    static let timestampWindow: TimeInterval = 300
}
