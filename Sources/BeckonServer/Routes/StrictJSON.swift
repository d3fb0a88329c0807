import BeckonCore
import Foundation

/// Decoding for the bodies of the hand-written routes (the monitoring hot path, the Engagement
/// Attributes API): malformed JSON and a wrong type are refused (400) with the field named,
/// rather than silently ignored. The generated operations decode their own bodies.
enum StrictJSON {
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
