/// A language tag as LivePerson's `lang://` entry points and `engagementDetails[].language` use
/// them: BCP 47's common form, a 2–3 letter language with optional subtags (`en`, `en-US`,
/// `zh-Hant-TW`), at most 35 characters.
enum LanguageTag {
    static func validate(_ tag: String, field: String) throws(BeckonError) {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        let valid =
            tag.count <= 35 && (2...3).contains(parts[0].count) && parts[0].allSatisfy { $0.isASCII && $0.isLetter }
            && parts.dropFirst().allSatisfy { part in
                (1...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            }
        guard valid else { throw .invalidInput(field: field, reason: "must be a language tag like en or en-US") }
    }
}
