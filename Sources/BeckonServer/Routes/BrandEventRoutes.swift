import BeckonCore
import Foundation
import Hummingbird
import NIOFoundationCompat

/// LivePerson's Engagement Attributes API (SPEC §5–§7), scope `events:write`: 200 `{}`. The body
/// is a JSON array of SDEs; POST is PUT (`X-HTTP-Method-Override: PUT`, as LivePerson's clients
/// send it).
///
/// Written by hand rather than generated: an SDE keeps the fields LivePerson's clients add beyond
/// the document's, and a refusal names the item and field (`[2].info.ctype`), which the generated
/// `oneOf` decoder (SDE or call status, tried in turn) cannot say.
struct BrandEventRoutes {
    let visits: BrandVisits
    let clock: any WallClock
    let abuse: any AbuseRepository
    let hasher: NumberHasher

    static let maxAttributes = 50

    func register(on group: RouterGroup<AppRequestContext>) {
        let visit = "monitoring/visitors/:visitorId/visits/current"
        group.post("\(visit)/events") { request, context in try await events(request, context) }
        group.put("\(visit)/events") { request, context in try await events(request, context) }
    }

    struct Empty: Encodable {}

    private func events(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try context.require(.eventsWrite)
        if let override = request.headers[.methodOverride], override.uppercased() != "PUT" {
            throw BeckonError.invalidInput(field: "X-HTTP-Method-Override", reason: "only PUT is supported here")
        }
        try BrandPaths.checkVersion(request)
        let sid = try BrandPaths.sid(request.uri.queryParameters.get("sid").map { String($0) })
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let items = try StrictJSON.decode([JSONValue].self, from: Data(buffer: buffer))
        guard !items.isEmpty, items.count <= Self.maxAttributes else {
            throw BeckonError.invalidInput(field: "body", reason: "give 1 to \(Self.maxAttributes) engagement attributes")
        }
        let attributes = try items.enumerated().map { position, item -> EngagementAttribute in
            guard case .object(let fields) = item else {
                throw BeckonError.invalidInput(field: "[\(position)]", reason: "must be an object")
            }
            do {
                return try EngagementAttribute(fields: fields)
            } catch let BeckonError.invalidInput(field, reason) {
                throw BeckonError.invalidInput(field: "[\(position)].\(field)", reason: reason)
            }
        }
        try await BrandPaths.unprocessableAccount {
            try await visits.recordAttributes(
                accountId: principal.accountId, visitorId: try context.parameters.require("visitorId"), sessionId: sid,
                attributes: attributes)
        }
        try await recordAbuseFacts(attributes, accountId: principal.accountId, visitorId: try context.parameters.require("visitorId"), sessionId: sid)
        return try MonitoringRoutes.json(Empty(), status: .ok, headers: [:])
    }

    /// What the abuse defences learn from the brand (SPEC §13): contacts' phone numbers count
    /// toward the visitor's distinct numbers, and a final call status ends an authorized call.
    private func recordAbuseFacts(
        _ attributes: [EngagementAttribute], accountId: AccountID, visitorId: String, sessionId: String
    )
        async throws
    {
        let now = clock.now()
        var hashes: [[UInt8]] = []
        for number in attributes.flatMap(ReportedNumbers.phones(in:)) {
            if let newest = try await hasher.hashes(of: number, accountId: accountId).first { hashes.append(newest) }
        }
        try await abuse.recordReportedNumbers(accountId: accountId, visitorId: visitorId, hashes: hashes, at: now)
        for attribute in attributes where attribute.type == "convStatus" {
            guard let status = attribute.fields["status"]?.string.flatMap(CallStatus.init(rawValue:)), status.isFinal,
                let contextId = attribute.fields["contextId"]?.string
            else { continue }
            try await abuse.callEnded(accountId: accountId, visitorId: visitorId, sessionId: sessionId, contextId: contextId, at: now)
        }
    }
}
