import BeckonCore
import Hummingbird

/// `?cursor=&limit=` of a list request. Campaign lists page in storage by id (the cursor is the
/// last id seen); the short per-account lists (sites, API keys, a campaign's engagements) are
/// read whole and sliced, the cursor being a position. Either way a client just passes
/// `nextCursor` back.
struct Page {
    static let defaultSize = 50
    static let maxSize = 200

    var after: Int64
    var limit: Int

    init(_ request: Request) throws {
        let parameters = request.uri.queryParameters
        let limit = try parameters.get("limit").map { text in
            guard let value = Int(text) else { throw BeckonError.invalidInput(field: "limit", reason: "must be 1 to \(Self.maxSize)") }
            return value
        }
        try self.init(cursor: parameters.get("cursor"), limit: limit)
    }

    /// The paging parameters of a generated operation's input.
    /// An empty cursor is the first page, as an absent one.
    init(cursor: String?, limit: Int?) throws {
        if let cursor, !cursor.isEmpty {
            guard let value = Int64(cursor), value >= 0 else {
                throw BeckonError.invalidInput(field: "cursor", reason: "is not a cursor this API gave out")
            }
            after = value
        } else {
            after = 0
        }
        self.limit = try Self.size(limit)
    }

    /// A page's size: `limit` when it is 1 … `maxSize`, the default when absent.
    static func size(_ limit: Int?) throws -> Int {
        guard let limit else { return defaultSize }
        guard (1...maxSize).contains(limit) else { throw BeckonError.invalidInput(field: "limit", reason: "must be 1 to \(maxSize)") }
        return limit
    }

    /// The next page's cursor when this page was full.
    func next(_ lastId: Int64?, count: Int) -> String? {
        guard count == limit, let lastId else { return nil }
        return String(lastId)
    }

    /// One page of a list read whole.
    func slice<Item>(_ all: [Item]) -> ItemList<Item> {
        let (items, nextCursor) = window(all)
        return ItemList(items: items, nextCursor: nextCursor)
    }

    /// One page of a list read whole, and the next page's cursor when there is more.
    func window<Item>(_ all: [Item]) -> (items: [Item], nextCursor: String?) {
        let start = Int(min(after, Int64(all.count)))
        let end = min(start + limit, all.count)
        return (Array(all[start..<end]), end < all.count ? String(end) : nil)
    }
}
