import BeckonAPI
import BeckonCore
import Logging

/// The account's abuse blocks (SPEC §13): list with `reports:read`, lift and block numbers with
/// `campaigns:write`, rotate the number-hash secret with `admin`. A number is never answered back.
extension APIHandler {
    func listAbuseBlocks(_ input: Operations.ListAbuseBlocks.Input) async throws -> Operations.ListAbuseBlocks.Output {
        let principal = try OperationContext.require(.reportsRead)
        let limit = try Page.size(input.query.limit)
        let all = input.query.all == ._1 || input.query.all == ._true
        let page = try await abuseBlocks.list(accountId: principal.accountId, all: all, afterId: input.query.cursor, limit: limit + 1)
        let items = page.prefix(limit)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: items.map(Components.Schemas.AbuseBlock.init),
                        nextCursor: page.count > limit ? items.last?.id : nil))))
    }

    func liftAbuseBlock(_ input: Operations.LiftAbuseBlock.Input) async throws -> Operations.LiftAbuseBlock.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        let id = input.path.blockId
        guard let block = try await abuseBlocks.lift(accountId: principal.accountId, id: id, by: principal.keyId) else {
            throw BeckonError.notFound("block '\(id)'")
        }
        OperationContext.logger.notice("abuse block lifted", metadata: ["block": "\(block.id)", "by": "\(principal.keyId)"])
        return .ok(.init(body: .json(.init(block))))
    }

    func blockNumber(_ input: Operations.BlockNumber.Input) async throws -> Operations.BlockNumber.Output {
        let principal = try OperationContext.require(.campaignsWrite)
        guard case .json(let body) = input.body else { throw BeckonError.invalidInput(field: "body", reason: "must be JSON") }
        let block = try await abuseBlocks.blockNumber(
            accountId: principal.accountId, number: try PhoneNumber(input: body.phoneNumber), reason: body.reason ?? "doNotCall",
            by: principal.keyId)
        return .created(.init(body: .json(.init(block))))
    }

    func rotateNumberKey(_ input: Operations.RotateNumberKey.Input) async throws -> Operations.RotateNumberKey.Output {
        let principal = try OperationContext.require(.admin)
        try await abuseBlocks.rotateNumberKey(accountId: principal.accountId)
        OperationContext.logger.notice("number-hash secret rotated", metadata: ["by": "\(principal.keyId)"])
        return .noContent(.init())
    }
}

extension Components.Schemas.AbuseBlock {
    init(_ block: AbuseBlock) {
        let kind: Components.Schemas.AbuseBlock.KindPayload =
            switch block.kind {
            case .visitor: .visitor
            case .number: .number
            }
        self.init(
            id: block.id, kind: kind,
            visitorId: block.kind == .visitor ? block.subject : nil, country: block.country, reason: block.reason,
            since: Int(block.createdAt.millisecondsSince1970), until: block.until.map { Int($0.millisecondsSince1970) },
            liftedAt: block.liftedAt.map { Int($0.millisecondsSince1970) }, liftedBy: block.liftedBy)
    }
}
