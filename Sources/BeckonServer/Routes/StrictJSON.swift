import BeckonCore
import Foundation
import Hummingbird
import NIOFoundationCompat

/// Decoding for request bodies whose contract is Beckon's own: malformed JSON, a wrong type
/// and an unknown field are refused (400) with the field named, rather than silently ignored.
enum StrictJSON {
    static func decode<T: Decodable>(
        _ type: T.Type, allowedFields: Set<String>, from request: Request, context: AppRequestContext
    ) async throws -> T {
        let object = try await object(allowedFields: allowedFields, from: request, context: context)
        return try decode(T.self, from: try JSONSerialization.data(withJSONObject: object))
    }

    /// The body as a JSON object whose fields are all in `allowedFields`.
    static func object(
        allowedFields: Set<String>, from request: Request, context: AppRequestContext
    ) async throws
        -> [String: Any]
    {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw BeckonError.invalidInput(field: "body", reason: "must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !allowedFields.contains($0) }) {
            throw BeckonError.invalidInput(
                field: unknown, reason: "unknown field; allowed: \(allowedFields.sorted().joined(separator: ", "))")
        }
        return object
    }

    /// Decodes JSON, turning decoding failures into errors that name the field.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw BeckonError(decoding: error)
        } catch let error as BeckonError {
            throw error
        } catch {
            throw BeckonError.invalidInput(field: "body", reason: "does not match the expected shape")
        }
    }
}
