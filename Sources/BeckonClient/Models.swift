public import Foundation

/// The identifiers Beckon puts in the brand page's URL when a visitor clicks (SPEC §5).
public struct ClickThrough: Sendable, Equatable, Codable {
    public var accountId: String
    public var visitorId: String
    public var sessionId: String
    public var campaignId: Int64
    public var engagementId: Int64
    public var engagementRevision: Int
    public var contextId: String
    public var token: String

    public init(
        accountId: String, visitorId: String, sessionId: String, campaignId: Int64, engagementId: Int64, engagementRevision: Int,
        contextId: String, token: String
    ) {
        self.accountId = accountId
        self.visitorId = visitorId
        self.sessionId = sessionId
        self.campaignId = campaignId
        self.engagementId = engagementId
        self.engagementRevision = engagementRevision
        self.contextId = contextId
        self.token = token
    }

    /// From the brand page's query parameters; nil when one is missing or malformed.
    public init?(query: [String: String]) {
        guard let accountId = query["accountId"], let visitorId = query["visitorId"], let sessionId = query["sessionId"],
            let campaignId = query["campaignId"].flatMap(Int64.init), let engagementId = query["engagementId"].flatMap(Int64.init),
            let revision = query["engagementRevision"].flatMap(Int.init), let contextId = query["contextId"],
            let token = query["token"], ![accountId, visitorId, sessionId, contextId, token].contains(where: \.isEmpty)
        else { return nil }
        self.init(
            accountId: accountId, visitorId: visitorId, sessionId: sessionId, campaignId: campaignId, engagementId: engagementId,
            engagementRevision: revision, contextId: contextId, token: token)
    }

    /// From the brand page's URL as the browser requested it.
    public init?(url: URL) {
        guard let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems else { return nil }
        self.init(query: Dictionary(items.map { ($0.name, $0.value ?? "") }) { first, _ in first })
    }
}

/// Beckon's answer to a validation or token check.
public struct Validation: Sendable, Equatable, Codable {
    public var valid: Bool
    /// Why not, when not valid (`notClicked`, `expired`, `alreadyValidated`, `unknownVisit`, …).
    public var reason: String?
    /// Epoch milliseconds.
    public var clickedAt: Int64?
    public var expiresAt: Int64?
    /// nil: no limit (the engagement allows any number of validations within the validity).
    public var validationsLeft: Int?
    /// The token's claims, for token checks.
    public var claims: ClickClaims?
}

/// Beckon's answer to a dial authorization: dial only when `allowed`.
public struct DialAuthorization: Sendable, Equatable, Codable {
    /// Why Beckon refused to let the brand dial (SPEC §13).
    public enum Refusal: String, Sendable, Equatable, Codable, CaseIterable {
        case notClicked, visitorBlocked, numberBlocked, numberVelocity, countryNotAllowed, premiumPrefix
        case accountCallBudget, concurrentCalls

        /// What to tell the visitor: plain words, no number echoed back, nothing that helps an
        /// attacker tune the next try.
        public var visitorMessage: String {
            switch self {
            case .notClicked:
                "This call link is no longer valid. Please click the call button on the website again."
            case .visitorBlocked, .numberVelocity:
                "We cannot place more calls from this browser right now. Please try again later, or contact us another way."
            case .numberBlocked:
                "We cannot call this number. Please enter another number, or contact us another way."
            case .countryNotAllowed, .premiumPrefix:
                "We can only call numbers in the countries we serve. Please enter another number."
            case .accountCallBudget, .concurrentCalls:
                "All our lines are busy right now. Please try again in a few minutes."
            }
        }

        /// Whether another number might be accepted (the form should stay open for one).
        public var anotherNumberMayWork: Bool { [.numberBlocked, .countryNotAllowed, .premiumPrefix].contains(self) }
    }

    public var allowed: Bool
    /// The authorization to keep with the call's record, when allowed.
    public var authorizationId: String?
    /// The number's country (ISO 3166-1 alpha-2), when allowed.
    public var country: String?
    /// The reason as Beckon sent it (also for reasons newer than this client).
    public var reason: String?
    /// When asking again may succeed.
    public var retryAfterSeconds: Int?

    /// Why not, when refused; nil for a reason this client does not know yet.
    public var refusal: Refusal? { reason.flatMap(Refusal.init(rawValue:)) }
}

/// What a click token says (a compact JWS, EdDSA).
public struct ClickClaims: Sendable, Equatable, Codable {
    public var accountId: String
    public var visitorId: String
    public var sessionId: String
    public var campaignId: Int64
    public var engagementId: Int64
    public var engagementRevision: Int
    public var contextId: String
    /// Epoch seconds.
    public var iat: Int64
    public var exp: Int64
}

extension BeckonClient {
    /// A Click to Call status (`convStatus.status`).
    public enum CallStatus: String, Sendable, Codable, CaseIterable {
        case requested = "REQUESTED"
        case queued = "QUEUED"
        case ringing = "RINGING"
        case connected = "CONNECTED"
        case onHold = "ON_HOLD"
        case completed = "COMPLETED"
        case noAnswer = "NO_ANSWER"
        case busy = "BUSY"
        case failed = "FAILED"
        case cancelled = "CANCELLED"

        /// Whether the call is over.
        public var isFinal: Bool { [.completed, .noAnswer, .busy, .failed, .cancelled].contains(self) }
    }
}

/// An engagement attribute (SDE) as JSON fields, e.g. `["type": "lead", "lead": ["topic": "quote"]]`.
public struct Attribute: @unchecked Sendable {
    /// JSON-compatible values only (String, numbers, Bool, arrays, dictionaries, NSNull).
    public var fields: [String: Any]

    public init(_ fields: [String: Any]) { self.fields = fields }

    /// `convStatus` for a clicked context.
    public static func callStatus(
        contextId: String, _ status: BeckonClient.CallStatus, disposition: String? = nil, extra: [String: Any] = [:]
    )
        -> Attribute
    {
        var fields = extra
        fields["type"] = "convStatus"
        fields["contextId"] = contextId
        fields["status"] = status.rawValue
        if let disposition { fields["disposition"] = disposition }
        return Attribute(fields)
    }

    public static func lead(topic: String, leadId: String? = nil, value: Double? = nil) -> Attribute {
        var lead: [String: Any] = ["topic": topic]
        if let leadId { lead["leadId"] = leadId }
        if let value { lead["value"] = value }
        return Attribute(["type": "lead", "lead": lead])
    }
}

/// Visit Information in LivePerson's shape (`appSessions`), with typed access to what an agent
/// usually needs and the whole document in `json`.
public struct VisitInformation: @unchecked Sendable {
    /// The whole answer, as `JSONSerialization` reads it.
    public let json: [String: Any]

    init(json data: Data) throws {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BeckonClientError.malformed("Visit Information is not a JSON object")
        }
        json = object
    }

    private var session: [String: Any]? { (json["appSessions"] as? [[String: Any]])?.first }

    /// The pages of the visit, oldest first: URL and title.
    public var pages: [(url: String, title: String?)] {
        ((session?["pages"] as? [[String: Any]]) ?? []).compactMap { page in
            (page["url"] as? String).map { ($0, page["pageTitle"] as? String) }
        }
    }

    /// One of the visit's sections in LivePerson's names (`customerInfo`, `cart`, `purchases`,
    /// `leads`, `serviceActivity`, `conversationStatus`, …).
    public subscript(section name: String) -> Any? { session?[name] }

    /// The leads reported in the visit (`lead` SDEs), each once, newest last.
    public var leads: [[String: Any]] { (session?["leads"] as? [[String: Any]]) ?? [] }

    /// The purchases reported in the visit (`purchase` SDEs).
    public var purchases: [[String: Any]] { (session?["purchases"] as? [[String: Any]]) ?? [] }
}

/// The account's click-token public keys (a JSON Web Key Set of Ed25519 keys).
public struct JSONWebKeySet: Sendable, Equatable, Codable {
    public struct Key: Sendable, Equatable, Codable {
        public var kid: String
        public var kty: String
        public var crv: String
        /// The public key, base64url.
        public var x: String
    }

    public var keys: [Key]
}
