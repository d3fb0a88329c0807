public import BeckonClient
import Foundation
public import Hummingbird
public import Logging
import Synchronization

/// The reference brand call page (SPEC §15): what a brand runs to receive Beckon's click.
///
/// 1. `GET /call?accountId=…&visitorId=…&token=…` — the click-through. The token is checked with
///    Beckon (which counts it as the click's one validation, so a forwarded link cannot start a
///    second call), the visit is read for the agent, and the visitor is asked for a number and
///    consent.
/// 2. `POST /call/{id}` — the number (checked: E.164, 8–15 digits) and consent. Beckon authorizes
///    the dial (`authorizeDial`; a refusal is shown to the visitor without the number), then the
///    call is placed through the `Dialer`, and every status is reported to Beckon as `convStatus`, which Beckon
///    relays to the visitor's page.
/// 3. `GET /call/{id}` — the live status for the visitor (`/call/{id}/status` as JSON).
/// 4. `POST /dialer/callback/{id}` — status callbacks of a cloud telephony provider.
///
/// Phone numbers never appear in logs. Call state is in memory (a brand would use its own store).
public struct CallPage: Sendable {
    public let beckon: BeckonClient
    public let dialer: any Dialer
    public let brandName: String
    let calls: CallBook
    let logger: Logger

    public init(beckon: BeckonClient, dialer: any Dialer, brandName: String = "Acme Insurance", logger: Logger = Logger(label: "callpage")) {
        self.beckon = beckon
        self.dialer = dialer
        self.brandName = brandName
        self.calls = CallBook()
        self.logger = logger
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("call") { request, _ in try await clickThrough(request) }
        router.get("call/:id") { _, context in
            let call = try calls.require(try context.parameters.require("id"))
            if let refusal = call.refusal {
                return html(Pages.message("We cannot place this call", refusal, brand: brandName), status: .forbidden)
            }
            return html(Pages.status(call, brand: brandName), status: .ok)
        }
        router.get("call/:id/status") { _, context in
            let call = try calls.require(try context.parameters.require("id"))
            let json: [String: Any] = [
                "status": call.status?.rawValue ?? "NOT_STARTED", "disposition": call.disposition ?? NSNull(), "final": call.status?.isFinal ?? false,
            ]
            var response = Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))))
            response.headers[.contentType] = "application/json"
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.post("call/:id") { request, context in try await requestCall(request, context) }
        router.post("dialer/callback/:id") { request, context in
            guard let receiver = dialer as? any StatusCallbackReceiver else { return Response(status: .notFound) }
            let form = Form(try await request.body.collect(upTo: 16_384))
            let known = await receiver.callback(callId: try context.parameters.require("id"), providerStatus: form["CallStatus"] ?? "")
            return Response(status: known ? .noContent : .notFound)
        }
        router.get("healthz") { _, _ in "ok" }
        return router
    }

    private func clickThrough(_ request: Request) async throws -> Response {
        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { first, _ in first }
        guard let click = ClickThrough(query: query) else {
            return html(
                Pages.message("This link is incomplete", "Please go back to the website and click the call button again.", brand: brandName),
                status: .badRequest)
        }
        let check: Validation
        do {
            check = try await beckon.verify(click)
        } catch {
            logger.error("click could not be verified with Beckon", metadata: ["error": "\(error)"])
            return html(
                Pages.message("We cannot check your request right now", "Please try again in a minute.", brand: brandName),
                status: .serviceUnavailable)
        }
        guard check.valid else {
            logger.notice("click refused", metadata: ["reason": "\(check.reason ?? "")", "context": "\(click.contextId)"])
            return html(
                Pages.message(
                    "This call link is no longer valid", "It has expired or was already used. Please click the call button on the website again.",
                    brand: brandName),
                status: .forbidden)
        }
        // What the agent will see: the visit's pages (read once, for the call's record).
        let pages = (try? await beckon.visitInformation(visitorId: click.visitorId, sessionId: click.sessionId, forAgent: true).pages.count) ?? 0
        let call = calls.start(click: click, pagesForAgent: pages)
        return html(Pages.form(call, brand: brandName, error: nil, number: ""), status: .ok)
    }

    private func requestCall(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let call = try calls.require(try context.parameters.require("id"))
        if call.placed {
            return Response(status: .seeOther, headers: [.location: "/call/\(call.id)"])
        }
        let form = Form(try await request.body.collect(upTo: 16_384))
        let typed = form["phone"] ?? ""
        guard let number = PhoneNumber.normalize(typed) else {
            return html(Pages.form(call, brand: brandName, error: .phone, number: typed), status: .badRequest)
        }
        guard form["consent"] == "yes" else {
            return html(Pages.form(call, brand: brandName, error: .consent, number: typed), status: .badRequest)
        }
        // One call per click, even if the form is sent twice.
        guard calls.claim(call.id) else { return Response(status: .seeOther, headers: [.location: "/call/\(call.id)"]) }
        let click = call.click
        // Beckon decides whether this number may be dialled for this click (SPEC §13) before
        // anything rings: a bot cannot make the brand call a stranger, or call one victim again
        // and again. The visitor hears why in plain words; the number is never echoed back.
        let authorization: DialAuthorization
        do {
            authorization = try await beckon.authorizeDial(for: click, phoneNumber: number)
        } catch BeckonClientError.refused(status: 400, _) {
            calls.release(call.id)
            return html(Pages.form(call, brand: brandName, error: .phone, number: typed), status: .badRequest)
        } catch {
            calls.release(call.id)
            logger.error("the dial could not be authorized with Beckon", metadata: ["error": "\(error)"])
            return html(
                Pages.message("We cannot place calls right now", "Please try again in a minute.", brand: brandName), status: .serviceUnavailable)
        }
        guard authorization.allowed else {
            let refusal = authorization.refusal
            logger.notice("dial refused by Beckon", metadata: ["reason": "\(authorization.reason ?? "")", "context": "\(click.contextId)"])
            let message = refusal?.visitorMessage ?? "We cannot place this call. Please contact us another way."
            if refusal?.anotherNumberMayWork == true {
                calls.release(call.id)
                return html(Pages.form(call, brand: brandName, error: .refused(message), number: ""), status: .forbidden)
            }
            calls.update(call.id) { $0.refusal = message }
            return html(Pages.message("We cannot place this call", message, brand: brandName), status: .forbidden)
        }
        calls.update(call.id) { $0.authorizationId = authorization.authorizationId }
        let beckon = self.beckon
        let calls = self.calls
        let logger = self.logger
        // Beckon hears of each status before the call page shows it, so the visitor's page and
        // the call page never disagree for long, and the page's "final" means Beckon has it.
        let report: @Sendable (DialEvent) async -> Void = { event in
            do {
                try await beckon.reportCallStatus(for: click, event.status, disposition: event.disposition)
            } catch {
                logger.warning("call status not reported to Beckon", metadata: ["status": "\(event.status.rawValue)", "error": "\(error)"])
            }
            calls.update(call.id) {
                $0.status = event.status; $0.disposition = event.disposition
            }
        }
        await report(DialEvent(.requested))
        do {
            try await dialer.place(DialRequest(callId: call.id, number: number, click: click), update: report)
        } catch {
            logger.error("the dialer refused the call", metadata: ["error": "\(error)"])
            await report(DialEvent(.failed, disposition: "dialerError"))
        }
        return Response(status: .seeOther, headers: [.location: "/call/\(call.id)"])
    }

    private func html(_ page: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy:
                    "default-src 'none'; style-src 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src 'self'; form-action 'self'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}

/// A call in progress, by an unguessable id (it is also what lets the visitor's browser see it).
struct Call: Sendable {
    var id: String
    var click: ClickThrough
    var pagesForAgent: Int
    var status: BeckonClient.CallStatus?
    var disposition: String?
    /// Set once the number was accepted and the call handed to the dialer.
    var placed = false
    /// Beckon's authorization of the dial (kept with the call's record).
    var authorizationId: String?
    /// What the visitor was told when Beckon refused the dial for good.
    var refusal: String?
}

final class CallBook: Sendable {
    private let calls = Mutex<[String: Call]>([:])

    func start(click: ClickThrough, pagesForAgent: Int) -> Call {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let id = bytes.map { String(format: "%02x", $0) }.joined()
        let call = Call(id: id, click: click, pagesForAgent: pagesForAgent)
        calls.withLock { $0[id] = call }
        return call
    }

    func require(_ id: String) throws -> Call {
        guard let call = calls.withLock({ $0[id] }) else { throw HTTPError(.notFound, message: "no such call") }
        return call
    }

    /// Marks the call placed; false when it already was.
    func claim(_ id: String) -> Bool {
        calls.withLock { calls in
            guard var call = calls[id], !call.placed else { return false }
            call.placed = true
            calls[id] = call
            return true
        }
    }

    /// Lets the visitor send the form again (the number was not dialled).
    func release(_ id: String) {
        update(id) { $0.placed = false }
    }

    func update(_ id: String, _ change: (inout Call) -> Void) {
        calls.withLock { calls in
            if var call = calls[id] {
                change(&call)
                calls[id] = call
            }
        }
    }
}

/// Phone numbers as the form takes them.
public enum PhoneNumber {
    /// E.164 (`+` and 8–15 digits, no leading 0) from what a person types: spaces, dashes, dots
    /// and parentheses are dropped; `00` becomes `+`. Nil when it cannot be a number.
    public static func normalize(_ text: String) -> String? {
        var digits = text.trimmingCharacters(in: .whitespaces).filter { !" -.()/".contains($0) }
        if digits.hasPrefix("00") { digits = "+" + digits.dropFirst(2) }
        guard digits.hasPrefix("+") else { return nil }
        let rest = digits.dropFirst()
        guard (8...15).contains(rest.count), rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber), rest.first != "0" else { return nil }
        return digits
    }
}

/// `application/x-www-form-urlencoded` fields.
struct Form {
    let fields: [String: String]

    init(_ buffer: ByteBuffer) {
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String { String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.fields = fields
    }

    subscript(name: String) -> String? { fields[name] }
}
