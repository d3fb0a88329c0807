import BeckonCore
import Foundation

/// The one meaning of PATCH in Beckon's own APIs: JSON Merge Patch (RFC 7396). Objects merge
/// member by member (recursively), anything else — arrays included — replaces, and `null` removes
/// a member.
///
/// Beckon's representations read an absent member as `null` (an unlimited cap, no goal), so
/// a removed member is kept here as an explicit `null`: the result says the same as RFC 7396's,
/// and Core's decoders — which read a member absent from a *stored* value as its default, for
/// values written before the member existed — read it as the patch meant.
enum MergePatch {
    static func apply(_ patch: [String: Any], to target: [String: Any]) -> [String: Any] {
        var result = target
        for (key, value) in patch {
            if let inner = value as? [String: Any] {
                result[key] = apply(inner, to: target[key] as? [String: Any] ?? [:])
            } else {
                result[key] = value
            }
        }
        return result
    }
}

/// Moving values between the shapes generated from the document and Core's types, which share
/// the document's JSON: a nested value object (an audience, a time frame) is carried through
/// that JSON instead of copied field by field, so a field added to the document and to Core
/// needs no third edit. A mismatch fails loudly, and the tests exercise every shape.
enum Representation {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// `value` as a JSON object (Core's encoding: meaningful nulls written out).
    static func object(_ value: some Encodable) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any] ?? [:]
    }

    /// A value decoded from a request's JSON; a refusal is a 400 naming the field.
    static func decode<T: Decodable>(_ type: T.Type, from object: [String: Any]) throws -> T {
        do {
            return try decoder.decode(T.self, from: JSONSerialization.data(withJSONObject: object))
        } catch let error as DecodingError {
            throw BeckonError(decoding: error)
        }
    }

    /// `value` in another type of the same JSON shape (Core's → the document's, for answers).
    static func convert<T: Decodable>(_ value: some Encodable, to type: T.Type) throws -> T {
        try decoder.decode(T.self, from: encoder.encode(value))
    }

    /// `convert` for an optional value.
    static func convert<T: Decodable>(_ value: (some Encodable)?, to type: T.Type) throws -> T? {
        try value.map { try convert($0, to: T.self) }
    }
}
