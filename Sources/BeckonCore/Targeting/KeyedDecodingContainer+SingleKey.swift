extension KeyedDecodingContainer where Key: CaseIterable, Key.AllCases: Sequence {
    /// The one key of a rule written as a single-key object (`{"urlContains": "/quote"}`);
    /// throws naming the rule and the keys it may have otherwise.
    func singleKey(rule: String) throws -> Key {
        guard allKeys.count == 1, let key = allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath,
                    debugDescription: "\(rule) has exactly one of "
                        + Key.allCases.map(\.stringValue).joined(separator: ", ")))
        }
        return key
    }
}
