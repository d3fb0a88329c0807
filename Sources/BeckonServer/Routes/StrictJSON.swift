import BeckonCore
import Foundation
import Hummingbird
import NIOFoundationCompat

/// Decoding for request bodies whose contract is Beckon's own: malformed JSON, a wrong type
/// and an unknown field are refused (400) with the field named, rather than silently ignored.
/// Which fields exist is the document's to say: `T` is a schema generated from
/// `docs/openapi.yaml` (`Components.Schemas`), whose decoder refuses fields it does not list.
enum StrictJSON {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: AppRequestContext) async throws -> T {
        try Representation.decode(T.self, from: try await object(from: request, context: context))
    }

    /// The body as a JSON object (within the upload limit), or a 400.
    static func object(from request: Request, context: AppRequestContext) async throws -> [String: Any] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw BeckonError.invalidInput(field: "body", reason: "must be a JSON object")
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
