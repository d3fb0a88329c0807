import BeckonAPI
import BeckonCore
import Foundation
import Hummingbird
import Logging

/// The abuse defences' APIs (SPEC §13): the dial authorization a brand asks for before it dials
/// (LivePerson-style path, scope `engagement:validate`), and the account's blocks (list with
/// `reports:read`, change with `campaigns:write` or `admin`). A phone number is never answered
/// back, logged or stored: only its keyed hash and country.
struct AbuseRoutes {
    let authorizeDial: AuthorizeDial
    let repository: any AbuseRepository
    let hasher: NumberHasher
    let visits: BrandVisits
    let journal: GroupCommitJournal
    let clock: any WallClock

    static let maxPage = 200

    struct DialAnswer: Encodable {
        var allowed: Bool
        var authorizationId: String?
        var country: String?
        var reason: String?
        var retryAfterSeconds: Int?
    }

    /// The LivePerson-style brand path: `POST /api/account/{aid}/clicktocall/dial-authorizations`.
    func registerBrand(on group: RouterGroup<AppRequestContext>) {
        group.post("clicktocall/dial-authorizations") { request, context in
            let principal = try context.require(.engagementValidate)
            let body = try await StrictJSON.decode(Components.Schemas.DialRequest.self, from: request, context: context)
            for (field, value, limit) in [
                ("visitorId", body.visitorId, 64), ("sessionId", body.sessionId, 64), ("contextId", body.contextId, 16),
            ] where value.isEmpty || value.utf8.count > limit {
                throw BeckonError.invalidInput(field: field, reason: "must be 1 to \(limit) characters")
            }
            let number = try Self.phoneNumber(body.phoneNumber)
            let answer = try await ValidationRoutes.unprocessableAccount {
                try await authorizeDial(
                    AuthorizeDial.Request(
                        accountId: principal.accountId, visitorId: body.visitorId, sessionId: body.sessionId,
                        contextId: body.contextId, phoneNumber: number))
            }
            var headers: HTTPFields = [:]
            if let wait = answer.retryAfterSeconds { headers[.retryAfter] = String(wait) }
            return MonitoringRoutes.json(
                DialAnswer(
                    allowed: answer.allowed, authorizationId: answer.authorizationId, country: answer.country,
                    reason: answer.refusal?.rawValue, retryAfterSeconds: answer.retryAfterSeconds),
                status: answer.allowed ? .ok : .forbidden, headers: headers)
        }
    }

    struct BlockBody: Encodable {
        var id: String
        var kind: String
        var visitorId: String?
        var country: String?
        var reason: String
        var since: Int64
        var until: Int64?
        var liftedAt: Int64?
        var liftedBy: String?

        init(_ block: AbuseBlock) {
            id = block.id
            kind = block.kind.rawValue
            visitorId = block.kind == .visitor ? block.subject : nil
            country = block.country
            reason = block.reason
            since = block.createdAt.millisecondsSince1970
            until = block.until?.millisecondsSince1970
            liftedAt = block.liftedAt?.millisecondsSince1970
            liftedBy = block.liftedBy
        }
    }

    struct BlockList: Encodable {
        var items: [BlockBody]
        var nextCursor: String?
    }

    /// The management path: `/api/v1/accounts/{aid}/abuse/...`.
    func registerManagement(on group: RouterGroup<AppRequestContext>) {
        group.get("abuse/blocks") { request, context in
            let principal = try context.require(.reportsRead)
            let query = request.uri.queryParameters
            let limit = try Self.limit(query.get("limit"))
            let all: Bool
            switch query.get("all") {
            case nil, "0", "false": all = false
            case "1", "true": all = true
            default: throw BeckonError.invalidInput(field: "all", reason: "must be true or false")
            }
            let cursor = query.get("cursor")
            let page = try await repository.blocks(
                accountId: principal.accountId, activeAt: all ? nil : clock.now(), afterId: cursor, limit: limit + 1)
            let items = page.prefix(limit).map(BlockBody.init)
            return JSONBody(value: BlockList(items: Array(items), nextCursor: page.count > limit ? items.last?.id : nil))
        }
        group.delete("abuse/blocks/:blockId") { _, context in
            let principal = try context.require(.campaignsWrite)
            let id = try context.parameters.require("blockId")
            guard let block = try await repository.block(accountId: principal.accountId, id: id) else {
                throw BeckonError.notFound("block '\(id)'")
            }
            let now = clock.now()
            let lifted = try await repository.liftBlock(accountId: principal.accountId, id: id, by: principal.keyId, at: now) ?? block
            if block.liftedAt == nil {
                let record = AbuseRecord(action: .blockLifted, reason: block.reason, blockId: block.id, by: principal.keyId)
                if block.kind == .visitor, let visitor = VisitToken(block.subject),
                    let session = block.sessionId.flatMap(VisitToken.init)
                {
                    try await visits.recordAbuse(accountId: principal.accountId, visitorId: visitor, sessionId: session, [record])
                } else {
                    try await Self.journalAccountEvent(record, accountId: principal.accountId, at: now, journal: journal)
                }
                context.logger.notice("abuse block lifted", metadata: ["block": "\(block.id)", "by": "\(principal.keyId)"])
            }
            return JSONBody(value: BlockBody(lifted))
        }
        group.post("abuse/blocked-numbers") { request, context in
            let principal = try context.require(.campaignsWrite)
            let body = try await StrictJSON.decode(
                Components.Schemas.BlockedNumberRequest.self, from: request, context: context)
            let number = try Self.phoneNumber(body.phoneNumber)
            let reason = body.reason ?? "doNotCall"
            guard (1...64).contains(reason.count), reason.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw BeckonError.invalidInput(field: "reason", reason: "must be 1 to 64 letters or digits, such as doNotCall")
            }
            let hashes = try await hasher.hashes(of: number, accountId: principal.accountId)
            let now = clock.now()
            if try await repository.numberBlocked(accountId: principal.accountId, hashes: hashes, at: now) {
                throw BeckonError.conflict("this number is blocked already")
            }
            let block = AbuseBlock(
                id: AbuseBlock.newId(), accountId: principal.accountId, kind: .number, subject: Base64.encode(hashes[0]),
                reason: reason, country: number.country, createdAt: now, until: nil)
            try await repository.addBlock(block)
            try await Self.journalAccountEvent(
                AbuseRecord(action: .numberBlocked, reason: reason, country: number.country, blockId: block.id, by: principal.keyId),
                accountId: principal.accountId, at: now, journal: journal)
            return JSONBody(value: BlockBody(block), status: .created)
        }
        group.post("abuse/number-key/rotate") { _, context in
            let principal = try context.require(.admin)
            try await hasher.rotate(accountId: principal.accountId)
            context.logger.notice("number-hash secret rotated", metadata: ["by": "\(principal.keyId)"])
            return Response(status: .noContent)
        }
    }

    static func phoneNumber(_ text: String) throws -> PhoneNumber {
        guard text.utf8.count <= 40 else { throw BeckonError.invalidInput(field: "phoneNumber", reason: "longer than 40 characters") }
        do {
            return try PhoneNumber(text)
        } catch {
            throw BeckonError.invalidInput(field: "phoneNumber", reason: error.description)
        }
    }

    static func limit(_ text: String?) throws -> Int {
        guard let text else { return 50 }
        guard let value = Int(text), (1...maxPage).contains(value) else {
            throw BeckonError.invalidInput(field: "limit", reason: "must be 1 to \(maxPage)")
        }
        return value
    }

    /// An abuse event about the account rather than a visitor (number blocks), for the report.
    static func journalAccountEvent(_ record: AbuseRecord, accountId: AccountID, at: Date, journal: GroupCommitJournal) async throws {
        let payload = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        try await journal.enqueue([JournalEvent(accountId: accountId, kind: .abuse, occurredAt: at, payload: payload)]).durable()
    }
}
