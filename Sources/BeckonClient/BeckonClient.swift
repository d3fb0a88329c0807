public import Foundation

#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// A brand backend's client of Beckon's brand APIs (SPEC §5): validate a click, verify its token
/// (online, or offline with the published keys), read the visit for the agent, report attributes
/// and call status, and close the visit.
///
/// ```swift
/// let beckon = BeckonClient(
///     baseURL: URL(string: "https://beckon.example")!, accountId: "acme", credentials: .bearer("bk_…"))
/// guard let click = ClickThrough(url: requestURL) else { return badRequest }
/// let check = try await beckon.verify(click)            // counts as the validation
/// guard check.valid else { return refuse(check.reason) }
/// try await beckon.reportCallStatus(for: click, .requested)
/// ```
///
/// Requests follow LivePerson's retry rules: a 4xx answer is never retried (it is thrown as
/// `BeckonClientError.refused`); a 5xx answer or a network failure is retried three times with
/// exponential backoff, then thrown. Each attempt has `timeout` seconds.
public struct BeckonClient: Sendable {
    public enum Credentials: Sendable, Equatable {
        /// An API key's bearer form, `bk_<id>_<secret>`.
        case bearer(String)
        /// The same key's OAuth 1.0a consumer and token secrets (LivePerson-style signing).
        case oauth1(consumerKey: String, consumerSecret: String, token: String, tokenSecret: String)
    }

    /// When to try a request again.
    public struct RetryPolicy: Sendable, Equatable {
        /// Attempts after the first.
        public var retries: Int
        /// The wait before the first retry; each further retry waits twice as long.
        public var initialDelay: TimeInterval

        public init(retries: Int = 3, initialDelay: TimeInterval = 0.5) {
            self.retries = retries
            self.initialDelay = initialDelay
        }

        /// LivePerson's rule: three retries of 5xx answers, 0.5 s, 1 s, 2 s apart.
        public static let liveperson = RetryPolicy()
        public static let none = RetryPolicy(retries: 0)
    }

    public let baseURL: URL
    public let accountId: String
    public let credentials: Credentials
    public let timeout: TimeInterval
    public let retry: RetryPolicy
    private let session: URLSession

    public init(
        baseURL: URL, accountId: String, credentials: Credentials, timeout: TimeInterval = 10, retry: RetryPolicy = .liveperson,
        session: URLSession = .shared
    ) {
        self.baseURL = baseURL
        self.accountId = accountId
        self.credentials = credentials
        self.timeout = timeout
        self.retry = retry
        self.session = session
    }

    // MARK: The brand APIs

    /// Validate Engagement (LivePerson's check of a click): valid only for a context displayed
    /// and clicked in a live visit, before it expires, with validations left; a valid answer
    /// uses one up.
    public func validate(_ click: ClickThrough) async throws -> Validation {
        let path =
            "api/account/\(escaped(accountId))/monitoring/visitors/\(escaped(click.visitorId))/visits/current/campaigns/"
            + "\(click.campaignId)/engagements/\(click.engagementId)/contexts/\(escaped(click.contextId))"
        return try await validation(.get, path, query: [("v", "1"), ("sid", click.sessionId)])
    }

    /// The click's token checked by Beckon: signature, account, expiry, then the click itself
    /// as `validate` does (and it counts as the validation).
    public func verify(_ click: ClickThrough) async throws -> Validation {
        try await verify(token: click.token)
    }

    public func verify(token: String) async throws -> Validation {
        try await validation(.post, "api/account/\(escaped(accountId))/clicktocall/tokens/verify", body: ["token": token])
    }

    /// Asks Beckon whether the brand may dial `phoneNumber` (E.164) for this click (SPEC §13),
    /// before it dials. Call it once the visitor typed a number; a refusal (`allowed == false`)
    /// is an answer, not an error — show the visitor `refusal.visitorMessage`, never the number.
    /// Asking again for the same click and number answers the same authorization.
    public func authorizeDial(for click: ClickThrough, phoneNumber: String) async throws -> DialAuthorization {
        let (data, status) = try await send(
            .post, "api/account/\(escaped(accountId))/clicktocall/dial-authorizations",
            body: ["visitorId": click.visitorId, "sessionId": click.sessionId, "contextId": click.contextId, "phoneNumber": phoneNumber],
            accepting: [403])
        // A 403 without `allowed` is not a refusal to dial (a key lacking the scope is 401 on
        // LivePerson's paths, thrown by `send`; kept for servers that answer 403).
        if status == 403, (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["allowed"] == nil {
            throw BeckonClientError.refused(status: 403, message: Self.message(data))
        }
        return try JSONDecoder().decode(DialAuthorization.self, from: data)
    }

    /// The account's click-token public keys, for `ClickTokenVerifier` (cache them; keys rotate
    /// by adding a new key id).
    public func clickKeys() async throws -> JSONWebKeySet {
        let (data, _) = try await send(.get, "api/account/\(escaped(accountId))/clicktocall/keys", authenticated: false)
        return try JSONDecoder().decode(JSONWebKeySet.self, from: data)
    }

    /// Visit Information: the visit's pages, engagements and reported attributes, in
    /// LivePerson's shape. `forAgent` leaves out the raw attribute log, IP address and user agent.
    public func visitInformation(visitorId: String, sessionId: String, forAgent: Bool = false) async throws -> VisitInformation {
        var query = [("v", "1"), ("sid", sessionId)]
        if forAgent { query.append(("filter", "agent")) }
        let (data, _) = try await send(
            .get, "api/account/\(escaped(accountId))/monitoring/visitors/\(escaped(visitorId))/visits/current/state", query: query)
        return try VisitInformation(json: data)
    }

    /// Reports engagement attributes (SDEs) to the visit, as the brand.
    public func reportAttributes(visitorId: String, sessionId: String, _ attributes: [Attribute]) async throws {
        _ = try await send(
            .post, "api/account/\(escaped(accountId))/monitoring/visitors/\(escaped(visitorId))/visits/current/events",
            query: [("v", "1"), ("sid", sessionId)], body: attributes.map(\.fields))
    }

    /// Reports the call's status (`convStatus`) for the clicked context; statuses only move
    /// forward (CONNECTED and ON_HOLD may alternate; endings are final).
    public func reportCallStatus(
        for click: ClickThrough, _ status: CallStatus, disposition: String? = nil, extra: [String: Any] = [:]
    ) async throws {
        try await reportAttributes(
            visitorId: click.visitorId, sessionId: click.sessionId,
            [.callStatus(contextId: click.contextId, status, disposition: disposition, extra: extra)])
    }

    /// Closes the visit for the brand (SPEC §7): the brand APIs keep answering for six hours from
    /// now, then the visit's live data is gone (its report data stays).
    public func close(visitorId: String, sessionId: String) async throws {
        _ = try await send(
            .post, "api/account/\(escaped(accountId))/monitoring/visitors/\(escaped(visitorId))/visits/current/close",
            query: [("v", "1"), ("sid", sessionId)])
    }

    // MARK: Plumbing

    enum Method: String { case get = "GET", post = "POST" }

    private func validation(
        _ method: Method, _ path: String, query: [(String, String)] = [], body: Any? = nil
    ) async throws -> Validation {
        // 404 is how Beckon (and LivePerson) answer "not valid": a result, not an error.
        let (data, status) = try await send(method, path, query: query, body: body, accepting: [404])
        if status == 404, (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["valid"] == nil {
            throw BeckonClientError.refused(status: 404, message: Self.message(data))
        }
        return try JSONDecoder().decode(Validation.self, from: data)
    }

    private func escaped(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? segment
    }

    func send(
        _ method: Method, _ path: String, query: [(String, String)] = [], body: Any? = nil, authenticated: Bool = true,
        accepting: Set<Int> = []
    ) async throws -> (Data, Int) {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty {
            components.percentEncodedQuery = query.map { "\(OAuth1Signer.encode($0.0))=\(OAuth1Signer.encode($0.1))" }.joined(separator: "&")
        }
        let url = components.url!
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        var attempt = 0
        while true {
            var request = URLRequest(url: url, timeoutInterval: timeout)
            request.httpMethod = method.rawValue
            request.setValue("application/json", forHTTPHeaderField: "Accept")
            if let payload {
                request.httpBody = payload
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            if authenticated {
                switch credentials {
                case .bearer(let key): request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
                case .oauth1(let consumerKey, let consumerSecret, let token, let tokenSecret):
                    let header = OAuth1Signer(
                        consumerKey: consumerKey, consumerSecret: consumerSecret, token: token, tokenSecret: tokenSecret
                    ).authorization(method: method.rawValue, url: url)
                    request.setValue(header, forHTTPHeaderField: "Authorization")
                }
            }
            let failure: BeckonClientError
            do {
                let (data, response) = try await session.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) || accepting.contains(status) { return (data, status) }
                if (400..<500).contains(status) { throw BeckonClientError.refused(status: status, message: Self.message(data)) }
                failure = .unavailable(status: status, message: Self.message(data))
            } catch let error as BeckonClientError {
                throw error
            } catch {
                failure = .unreachable(String(describing: error))
            }
            guard attempt < retry.retries else { throw failure }
            let delay = retry.initialDelay * pow(2, Double(attempt))
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
            attempt += 1
        }
    }

    static func message(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let message = object["message"] as? String {
            return message
        }
        return String(decoding: data.prefix(200), as: UTF8.self)
    }
}

/// What went wrong talking to Beckon.
public enum BeckonClientError: Error, Equatable, CustomStringConvertible {
    /// A 4xx answer: the request itself is wrong (never retried).
    case refused(status: Int, message: String)
    /// 5xx answers, after the retries.
    case unavailable(status: Int, message: String)
    /// No answer at all, after the retries.
    case unreachable(String)
    /// An answer that is not what the API documents.
    case malformed(String)

    public var description: String {
        switch self {
        case .refused(let status, let message): "Beckon refused the request (\(status)): \(message)"
        case .unavailable(let status, let message): "Beckon is unavailable (\(status)): \(message)"
        case .unreachable(let reason): "Beckon is unreachable: \(reason)"
        case .malformed(let reason): "unexpected answer from Beckon: \(reason)"
        }
    }
}
