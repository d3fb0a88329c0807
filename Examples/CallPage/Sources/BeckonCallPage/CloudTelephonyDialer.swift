import BeckonClient
public import Foundation
import Synchronization

#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// An adapter for a cloud telephony REST API of the common shape (Twilio's, and many like it):
/// `POST {base}/Accounts/{account}/Calls.json` with form fields `To`, `From`, `Url` and
/// `StatusCallback`, HTTP Basic auth with the account id and token; the provider then posts the
/// call's `CallStatus` (`queued`, `ringing`, `in-progress`, `completed`, `busy`, `no-answer`,
/// `failed`, `canceled`) to the status callback, which the call page hands to `callback`.
public final class CloudTelephonyDialer: Dialer, StatusCallbackReceiver, Sendable {
    public let baseURL: URL
    public let accountId: String
    let authToken: String
    /// The number calls come from (the brand's call centre), E.164.
    public let callerId: String
    /// Where the provider posts statuses: `{callbackBase}/dialer/callback/{callId}`.
    public let callbackBase: URL
    /// TwiML-style instructions URL for connecting the answered call to the brand's agents.
    public let connectURL: URL
    private let session: URLSession
    private let pending = Mutex<[String: @Sendable (DialEvent) async -> Void]>([:])

    public init(
        baseURL: URL, accountId: String, authToken: String, callerId: String, callbackBase: URL, connectURL: URL,
        session: URLSession = .shared
    ) {
        self.baseURL = baseURL
        self.accountId = accountId
        self.authToken = authToken
        self.callerId = callerId
        self.callbackBase = callbackBase
        self.connectURL = connectURL
        self.session = session
    }

    public enum Failure: Error, Equatable {
        case refused(status: Int, message: String)
    }

    public func place(_ call: DialRequest, update: @escaping @Sendable (DialEvent) async -> Void) async throws {
        pending.withLock { $0[call.callId] = update }
        var request = URLRequest(url: baseURL.appendingPathComponent("Accounts/\(accountId)/Calls.json"), timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("Basic " + Data("\(accountId):\(authToken)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        let fields = [
            ("To", call.number), ("From", callerId), ("Url", connectURL.absoluteString),
            ("StatusCallback", callbackBase.appendingPathComponent("dialer/callback/\(call.callId)").absoluteString),
            ("StatusCallbackMethod", "POST"),
        ]
        request.httpBody = Data(fields.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&").utf8)
        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            _ = pending.withLock { $0.removeValue(forKey: call.callId) }
            throw Failure.refused(status: status, message: String(decoding: data.prefix(200), as: UTF8.self))
        }
    }

    /// A status callback from the provider; answers whether the call was known.
    @discardableResult
    public func callback(callId: String, providerStatus: String) async -> Bool {
        guard let update = pending.withLock({ $0[callId] }) else { return false }
        let event: DialEvent
        switch providerStatus.lowercased() {
        case "queued", "initiated": event = DialEvent(.queued)
        case "ringing": event = DialEvent(.ringing)
        case "in-progress", "answered": event = DialEvent(.connected)
        case "completed": event = DialEvent(.completed, disposition: "callbackCompleted")
        case "busy": event = DialEvent(.busy, disposition: "busy")
        case "no-answer": event = DialEvent(.noAnswer, disposition: "noAnswer")
        case "canceled": event = DialEvent(.cancelled, disposition: "cancelled")
        default: event = DialEvent(.failed, disposition: "carrierError")
        }
        if event.status.isFinal { _ = pending.withLock { $0.removeValue(forKey: callId) } }
        await update(event)
        return true
    }

    /// `application/x-www-form-urlencoded` value encoding.
    public static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
