/// A value whose `null` means something ("no limit"): written as `null`, where generated code
/// leaves a nil optional out of its JSON. Named in `Tools/OpenAPIGenerator/BeckonAPI.yaml`'s
/// `typeOverrides` for the document's schemas of that kind.
package struct ExplicitNull<Wrapped: Codable & Hashable & Sendable>: Codable, Hashable, Sendable {
    package var value: Wrapped?

    package init(_ value: Wrapped?) { self.value = value }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? nil : try container.decode(Wrapped.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}
