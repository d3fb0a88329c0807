import BeckonCore
import BeckonStorage
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import OpenAPIRuntime

/// LivePerson's error envelope, used for every error Beckon answers:
/// `{"time": <epoch ms>, "message": "...", "internalCode": n}`.
struct LPErrorBody: Codable, Equatable {
    var time: Int64
    var message: String
    var internalCode: Int
    /// Beckon's addition for a bad input: which field (the console shows the message next to it).
    var field: String?

    /// The envelope as bytes, for answers written below the router (connection refusals, late or
    /// unparseable requests).
    static func bytes(message: String, internalCode: Int, at time: Date) -> ByteBuffer {
        let body = LPErrorBody(time: time.millisecondsSince1970, message: message, internalCode: internalCode)
        return ByteBuffer(bytes: (try? JSONEncoder().encode(body)) ?? Data())
    }
}

/// LivePerson's internal codes (SPEC §5).
enum LPInternalCode {
    static let badRequest = 5
    static let invalidAccount = 6
    static let unauthorized = 10
    static let notFound = 12
    static let unexpected = 18
    static let illegalVersion = 33
    static let invalidVisitor = 37
    static let invalidSession = 39
}

/// How one error is answered: status, LP code, message. The single place domain, framework
/// and driver errors become HTTP; a driver's text never reaches the client.
struct ErrorAnswer {
    var status: HTTPResponse.Status
    var internalCode: Int
    var message: String
    /// Whether this is a server fault worth logging at error level.
    var isServerFault = false
    var headers: HTTPFields = [:]
    var field: String?

    init(status: HTTPResponse.Status, internalCode: Int, message: String, isServerFault: Bool = false) {
        self.status = status
        self.internalCode = internalCode
        self.message = message
        self.isServerFault = isServerFault
    }

    init(_ error: any Error, request: Request) {
        switch error {
        case let error as BeckonError:
            self.init(error)
        case let error as ServerError:
            self.init(generated: error, request: request)
        case let error as LPVersionError:
            self.init(
                status: .badRequest, internalCode: LPInternalCode.illegalVersion,
                message: "illegal version '\(error.version)'; this API takes \(error.supported)")
        case let error as HTTPError:
            self.init(httpError: error, request: request)
        case let error as LivePersonAccountRefusal:
            self.init(status: error.status, internalCode: LPInternalCode.invalidAccount, message: error.message)
        case let error as UnknownAppInstallation:
            // LivePerson answers an unknown appInstallationId (Beckon's site) with 404 and code 18.
            self.init(
                status: .notFound, internalCode: LPInternalCode.unexpected,
                message: "no app installation (site) '\(error.siteId.prefix(64))' in this account")
        case let error as RateLimitedError:
            self.init(
                status: .tooManyRequests, internalCode: LPInternalCode.badRequest,
                message: "too many \(error.what) from this address; retry in \(error.retryAfterSeconds) s")
            headers[.retryAfter] = String(error.retryAfterSeconds)
        case let error as ConsoleSignIn.Throttled:
            let seconds = Int(error.retryAfter.rounded(.up))
            self.init(
                status: .tooManyRequests, internalCode: LPInternalCode.unauthorized,
                message: "too many failed sign-ins; try again in \(seconds / 60 + 1) minutes")
            headers[.retryAfter] = String(seconds)
        case let refusal as CallStatusHub.Refusal:
            let message =
                switch refusal {
                case .tooManyForClick(let limit): "at most \(limit) status streams may be open for one click"
                case .tooManyOnNode(let limit): "this server has its \(limit) status streams open; try again shortly"
                }
            self.init(status: .tooManyRequests, internalCode: LPInternalCode.badRequest, message: message)
            headers[.retryAfter] = "15"
        case is NIOTooManyBytesError:
            // A body without Content-Length (chunked) that grew past the limit while being read.
            self.init(status: .contentTooLarge, internalCode: LPInternalCode.badRequest, message: "request body too large")
            headers[.connection] = "close"
        case is HTTPParserError:
            // Malformed framing inside the body (a bad chunk): answered, then the connection closes.
            self.init(status: .badRequest, internalCode: LPInternalCode.badRequest, message: Self.malformedFraming)
            headers[.connection] = "close"
        case is SQLFailure:
            self.init(status: .serviceUnavailable, internalCode: LPInternalCode.unexpected, message: "storage unavailable", isServerFault: true)
            headers[.retryAfter] = Self.storageRetryAfter
        default:
            self.init(status: .internalServerError, internalCode: LPInternalCode.unexpected, message: "unexpected error", isServerFault: true)
        }
    }

    static let malformedFraming = "malformed request: bad HTTP framing"
    /// Seconds a client waits before retrying while storage does not answer (SPEC §13a).
    static let storageRetryAfter = "2"

    init(_ error: BeckonError) {
        switch error {
        case .invalidInput(let field, _):
            self.init(status: .badRequest, internalCode: LPInternalCode.badRequest, message: error.description)
            self.field = field
        case .notFound: self.init(status: .notFound, internalCode: LPInternalCode.notFound, message: error.description)
        case .unknownAccount: self.init(status: .notFound, internalCode: LPInternalCode.invalidAccount, message: error.description)
        case .unknownVisitor: self.init(status: .notFound, internalCode: LPInternalCode.invalidVisitor, message: error.description)
        case .unknownVisit: self.init(status: .notFound, internalCode: LPInternalCode.invalidSession, message: error.description)
        case .conflict: self.init(status: .conflict, internalCode: LPInternalCode.badRequest, message: error.description)
        case .unauthorized:
            self.init(status: .unauthorized, internalCode: LPInternalCode.unauthorized, message: error.description)
            headers[.wwwAuthenticate] = "Bearer realm=\"beckon\""
        case .forbidden: self.init(status: .forbidden, internalCode: LPInternalCode.unauthorized, message: error.description)
        case .schemaBehind, .schemaAhead, .storageUnavailable, .journalClosed:
            self.init(status: .serviceUnavailable, internalCode: LPInternalCode.unexpected, message: "service unavailable", isServerFault: true)
            headers[.retryAfter] = Self.storageRetryAfter
        }
    }

    /// A generated operation's failure: the handler's own error, a body its decoder refused, or
    /// a parameter or content type the runtime refused (its status kept, its cause in brief).
    private init(generated error: ServerError, request: Request) {
        switch error.underlyingError {
        case let decoding as DecodingError:
            if let parameter = Self.malformedPathParameter(decoding, error.requestMetadata.pathParameters) {
                self.init(BeckonError.invalidInput(field: parameter, reason: "must be a positive integer"))
            } else if case .valueNotFound(_, let context) = decoding, context.codingPath.isEmpty,
                let missing = Self.requiredQueryParameters.first(where: { request.uri.queryParameters[Substring($0)] == nil })
            {
                // The runtime names no parameter when a query lacks a required one.
                self.init(BeckonError.invalidInput(field: missing, reason: "is required"))
            } else if let refusal = Self.malformedQueryParameter(decoding, query: request.uri.queryParameters) {
                // The brand APIs' `v` and the Domain API's `version` (enums in the document) are
                // LivePerson's illegal version.
                if case .invalidInput(field: "v", _) = refusal, let version = request.uri.queryParameters["v"] {
                    self.init(LPVersionError(version: String(version)), request: request)
                } else if case .invalidInput(field: "version", _) = refusal, let version = request.uri.queryParameters["version"] {
                    self.init(LPVersionError(version: String(version), supported: "version=1.0"), request: request)
                } else {
                    self.init(refusal)
                }
            } else {
                self.init(BeckonError(decoding: decoding))
            }
        case _ where error.httpStatus.kind == .clientError:
            self.init(
                status: error.httpStatus, internalCode: LPInternalCode.badRequest,
                message: "malformed request: \(error.causeDescription.prefix(200))")
        default:
            self.init(error.underlyingError, request: request)
        }
    }

    /// The path parameter (`campaignId`) a failure to decode an integer came from: the runtime's
    /// path decoder names no field, so the one whose value is not an id is it.
    private static func malformedPathParameter(_ error: DecodingError, _ parameters: [String: Substring]) -> String? {
        guard case .typeMismatch(let type, let context) = error, context.codingPath.isEmpty,
            type == Int64.self || type == Int.self
        else { return nil }
        return parameters.keys.sorted().first { name in name != "accountId" && Int64(parameters[name] ?? "").map { $0 > 0 } != true }
    }

    /// The query parameter a failure to decode came from, named (the runtime's query decoder
    /// names none): the one holding the refused enum value, or the first integer that is not one.
    /// Every query parameter the document marks `required` (`OpenAPIDocumentTests` holds this
    /// list to it).
    static let requiredQueryParameters = ["sid", "token"]

    private static func malformedQueryParameter(_ error: DecodingError, query: some Collection<(key: Substring, value: Substring)>) -> BeckonError? {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            guard let value = BeckonError.refusedValue(context.debugDescription),
                let item = query.first(where: { $0.value == value })
            else { return nil }
            return .invalidInput(field: String(item.key), reason: "unknown value '\(value.prefix(64))'")
        case .typeMismatch(let type, let context) where context.codingPath.isEmpty && (type == Int.self || type == Int64.self):
            guard let item = query.first(where: { Int64($0.value) == nil }) else { return nil }
            return .invalidInput(field: String(item.key), reason: "must be an integer")
        default:
            return nil
        }
    }

    private init(httpError: HTTPError, request: Request) {
        let status = httpError.status
        let code: Int =
            switch status.code {
            case 401: LPInternalCode.unauthorized
            case 404: LPInternalCode.notFound
            case 400..<500: LPInternalCode.badRequest
            default: LPInternalCode.unexpected
            }
        let message: String
        switch status {
        case .notFound: message = httpError.body ?? "no route for \(request.method) \(request.uri.path)"
        case .contentTooLarge: message = "request body too large"
        case .badRequest: message = httpError.body.map { "malformed request: \($0)" } ?? "malformed request"
        default: message = httpError.body ?? status.reasonPhrase
        }
        self.init(status: status, internalCode: code, message: message, isServerFault: status.code >= 500)
        for field in httpError.headers { headers.append(field) }
    }

    func response(at time: Date) -> Response {
        let body = LPErrorBody(time: time.millisecondsSince1970, message: message, internalCode: internalCode, field: field)
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
