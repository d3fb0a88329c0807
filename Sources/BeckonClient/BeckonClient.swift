internal import BeckonClientAPI
public import Foundation
internal import OpenAPIRuntime
internal import OpenAPIURLSession

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
    /// The client generated from Beckon's OpenAPI document (docs/openapi.yaml): it writes the
    /// requests and decodes the answers; the middlewares sign, retry and sort out refusals.
    private let api: Client

    public init(
        baseURL: URL, accountId: String, credentials: Credentials, timeout: TimeInterval = 10, retry: RetryPolicy = .liveperson,
        session: URLSession = .shared
    ) {
        self.baseURL = baseURL
        self.accountId = accountId
        self.credentials = credentials
        self.timeout = timeout
        self.retry = retry
        api = Client(
            serverURL: baseURL, transport: URLSessionTransport(configuration: .init(session: session)),
            middlewares: [
                RetryMiddleware(policy: retry, timeout: timeout), AuthorizationMiddleware(credentials: credentials),
                AnswerMiddleware(),
            ])
    }

    // MARK: The brand APIs

    /// Validate Engagement (LivePerson's check of a click): valid only for a context displayed
    /// and clicked in a live visit, before it expires, with validations left; a valid answer
    /// uses one up.
    public func validate(_ click: ClickThrough) async throws -> Validation {
        let output = try await call {
            try await api.validateEngagement(
                path: .init(
                    accountId: accountId, visitorId: click.visitorId, campaignId: click.campaignId, engagementId: click.engagementId,
                    contextId: click.contextId),
                query: .init(v: ._1, sid: click.sessionId))
        }
        // 404 is how Beckon (and LivePerson) answer "not valid": a result, not an error.
        switch output {
        case .ok(let answer): return Validation(try answer.body.json)
        case .notFound(let answer): return Validation(try answer.body.json)
        default: throw Self.unexpected(output)
        }
    }

    /// The click's token checked by Beckon: signature, account, expiry, then the click itself
    /// as `validate` does (and it counts as the validation).
    public func verify(_ click: ClickThrough) async throws -> Validation {
        try await verify(token: click.token)
    }

    public func verify(token: String) async throws -> Validation {
        let output = try await call {
            try await api.verifyClickToken(path: .init(accountId: accountId), body: .json(.init(token: token)))
        }
        switch output {
        case .ok(let answer): return Validation(try answer.body.json)
        case .notFound(let answer): return Validation(try answer.body.json)
        default: throw Self.unexpected(output)
        }
    }

    /// Asks Beckon whether the brand may dial `phoneNumber` (E.164) for this click (SPEC §13),
    /// before it dials. Call it once the visitor typed a number; a refusal (`allowed == false`)
    /// is an answer, not an error — show the visitor `refusal.visitorMessage`, never the number.
    /// Asking again for the same click and number answers the same authorization.
    public func authorizeDial(for click: ClickThrough, phoneNumber: String) async throws -> DialAuthorization {
        let request = Components.Schemas.DialRequest(
            visitorId: click.visitorId, sessionId: click.sessionId, contextId: click.contextId, phoneNumber: phoneNumber)
        let output = try await call { try await api.authorizeDial(path: .init(accountId: accountId), body: .json(request)) }
        switch output {
        case .ok(let answer): return DialAuthorization(try answer.body.json)
        case .forbidden(let answer): return DialAuthorization(try answer.body.json)
        default: throw Self.unexpected(output)
        }
    }

    /// The account's click-token public keys, for `ClickTokenVerifier` (cache them; keys rotate
    /// by adding a new key id).
    public func clickKeys() async throws -> JSONWebKeySet {
        let output = try await call { try await api.getClickKeys(path: .init(accountId: accountId)) }
        guard case .ok(let answer) = output else { throw Self.unexpected(output) }
        return JSONWebKeySet(try answer.body.json)
    }

    /// Visit Information: the visit's pages, engagements and reported attributes, in
    /// LivePerson's shape. `forAgent` leaves out the raw attribute log, IP address and user agent.
    public func visitInformation(visitorId: String, sessionId: String, forAgent: Bool = false) async throws -> VisitInformation {
        let output = try await call {
            try await api.getVisitInformation(
                path: .init(accountId: accountId, visitorId: visitorId),
                query: .init(v: ._1, sid: sessionId, filter: forAgent ? .agent : nil))
        }
        guard case .ok(let answer) = output else { throw Self.unexpected(output) }
        return try VisitInformation(json: JSONEncoder().encode(try answer.body.json))
    }

    /// Reports engagement attributes (SDEs) to the visit, as the brand.
    public func reportAttributes(visitorId: String, sessionId: String, _ attributes: [Attribute]) async throws {
        let items = try attributes.map { attribute in
            guard JSONSerialization.isValidJSONObject(attribute.fields) else {
                throw BeckonClientError.malformed("an attribute that is not JSON: \(attribute.fields.keys.sorted())")
            }
            return try JSONDecoder().decode(
                Operations.PostEngagementAttributes.Input.Body.JsonPayloadPayload.self,
                from: JSONSerialization.data(withJSONObject: attribute.fields))
        }
        let output = try await call {
            try await api.postEngagementAttributes(
                path: .init(accountId: accountId, visitorId: visitorId), query: .init(v: ._1, sid: sessionId), body: .json(items))
        }
        guard case .ok = output else { throw Self.unexpected(output) }
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
        let output = try await call {
            try await api.closeVisit(path: .init(accountId: accountId, visitorId: visitorId), query: .init(v: ._1, sid: sessionId))
        }
        guard case .ok = output else { throw Self.unexpected(output) }
    }

    // MARK: Plumbing

    /// Runs a generated operation and throws what went wrong as `BeckonClientError`: the
    /// middlewares' own errors as they are, an answer that does not match the document as
    /// `.malformed`.
    private func call<Output>(_ operation: () async throws -> Output) async throws -> Output {
        do {
            return try await operation()
        } catch let error as ClientError {
            if let known = error.underlyingError as? BeckonClientError { throw known }
            if error.underlyingError is CancellationError { throw CancellationError() }
            if error.underlyingError is DecodingError { throw BeckonClientError.malformed(String(describing: error.underlyingError)) }
            throw BeckonClientError.unreachable(String(describing: error.underlyingError))
        }
    }

    /// An answer the document allows but the friendly API does not expect (`AnswerMiddleware`
    /// turned every error status into an error already).
    private static func unexpected(_ output: some Sendable) -> BeckonClientError {
        .malformed("unexpected answer: \(output)")
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
