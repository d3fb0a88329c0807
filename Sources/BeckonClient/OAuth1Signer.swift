import Crypto
import Foundation

/// Signs a request with OAuth 1.0a HMAC-SHA1 (RFC 5849), as LivePerson's API keys are used: the
/// signature covers the method, the base URL, the query and the `oauth_*` parameters. (Beckon's
/// server has its own verifier; this stays independent of it so brands need only this library.)
struct OAuth1Signer: Sendable {
    var consumerKey: String
    var consumerSecret: String
    var token: String
    var tokenSecret: String

    func authorization(method: String, url: URL, nonce: String = UUID().uuidString, timestamp: Date = Date()) -> String {
        var oauth = [
            ("oauth_consumer_key", consumerKey), ("oauth_token", token), ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", String(Int(timestamp.timeIntervalSince1970))), ("oauth_nonce", nonce), ("oauth_version", "1.0"),
        ]
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let query = (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }
        var base = "\(components?.scheme ?? "http")://\(components?.host ?? "")"
        if let port = components?.port, !(components?.scheme == "http" && port == 80), !(components?.scheme == "https" && port == 443) {
            base += ":\(port)"
        }
        base += components?.percentEncodedPath ?? "/"
        let encoded: [(name: String, value: String)] = (oauth + query).map { (Self.encode($0.0), Self.encode($0.1)) }
        let sorted = encoded.sorted { left, right in left.name != right.name ? left.name < right.name : left.value < right.value }
        let normalized = sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        let baseString = [method.uppercased(), Self.encode(base), Self.encode(normalized)].joined(separator: "&")
        let key = SymmetricKey(data: Array("\(Self.encode(consumerSecret))&\(Self.encode(tokenSecret))".utf8))
        let signature = Data(HMAC<Insecure.SHA1>.authenticationCode(for: Array(baseString.utf8), using: key)).base64EncodedString()
        oauth.append(("oauth_signature", signature))
        return "OAuth " + oauth.map { "\($0.0)=\"\(Self.encode($0.1))\"" }.joined(separator: ", ")
    }

    /// RFC 3986 unreserved characters stay; everything else is percent-encoded.
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }
}
