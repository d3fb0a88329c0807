import Foundation
import HTTPTypes
import Hummingbird

/// What the client addressed and where it came from, read in one place: behind a trusted proxy
/// (`http.trustForwardedFor`) from the first entry of `X-Forwarded-For`, `X-Forwarded-Host` and
/// `X-Forwarded-Proto`; otherwise from the connection, `Host` and the request's authority.
extension Request {
    /// The first entry of a comma-separated header, trimmed; nil when absent or empty.
    func firstEntry(_ name: String) -> String? {
        guard let value = headers[HTTPField.Name(name)!] else { return nil }
        let first = (value.split(separator: ",").first ?? "").trimmingCharacters(in: .whitespaces)
        return first.isEmpty ? nil : first
    }

    /// The host (and port) the client addressed; nil when none is known.
    func clientHost(trustForwardedFor: Bool) -> String? {
        (trustForwardedFor ? firstEntry("X-Forwarded-Host") : nil) ?? firstEntry("Host") ?? head.authority
    }

    /// `http` or `https`, as the client addressed it.
    func clientScheme(trustForwardedFor: Bool) -> String {
        ((trustForwardedFor ? firstEntry("X-Forwarded-Proto") : nil) ?? uri.scheme?.rawValue ?? "http").lowercased()
    }
}

extension AppRequestContext {
    /// The client's address: the proxy's `X-Forwarded-For` when trusted, otherwise the peer's.
    func clientAddress(_ request: Request, trustForwardedFor: Bool) -> String? {
        (trustForwardedFor ? request.firstEntry("X-Forwarded-For") : nil) ?? remoteAddress?.ipAddress
    }
}
