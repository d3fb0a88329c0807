import Foundation

/// A telephone number in E.164 form (`+` and at most 15 digits), with the country its calling
/// code (and, where a code is shared, its national prefix) belongs to. The table comes from
/// Google's libphonenumber metadata (`CallingCodeTable`); the number is personal data: it is only
/// ever stored as a keyed hash (`NumberHasher`) and never logged.
package struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    /// `+` followed by the digits.
    package let e164: String
    /// The country calling code, in digits (`1`, `44`, `882`).
    package let callingCode: String
    /// ISO 3166-1 alpha-2, or nil for non-geographic codes (satellite, international networks).
    package let country: String?

    /// Why a text is not an E.164 number; the text is never echoed back (it is personal data).
    package enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case missingPlus
        case notDigits
        case length
        case unknownCallingCode
        case nationalLength(callingCode: String)

        package var description: String {
            switch self {
            case .missingPlus: "must be in E.164 form: + and the country calling code, such as +14155550123"
            case .notDigits: "may contain only digits after the + (spaces, dots, dashes and brackets are ignored)"
            case .length: "an E.164 number has 8 to 15 digits"
            case .unknownCallingCode: "does not start with an assigned country calling code"
            case .nationalLength(let code): "has the wrong number of digits for country calling code +\(code)"
            }
        }
    }

    package init(_ text: String) throws(Failure) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("+") else { throw .missingPlus }
        var digits = ""
        for character in trimmed.dropFirst() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if !" .-()/\u{00A0}".contains(character) {
                throw .notDigits
            }
        }
        guard (8...15).contains(digits.count) else { throw .length }
        let table = CallingCodeTable.shared
        guard let code = (1...3).lazy.map({ String(digits.prefix($0)) }).first(where: { table.codes[$0] != nil }),
            let entry = table.codes[code]
        else { throw .unknownCallingCode }
        guard entry.lengths.isEmpty || entry.lengths.contains(digits.count - code.count) else {
            throw .nationalLength(callingCode: code)
        }
        var country = entry.country
        for length in stride(from: min(digits.count, table.longestPrefix), to: code.count, by: -1) {
            if let shared = table.sharedPrefixes[String(digits.prefix(length))] {
                country = shared
                break
            }
        }
        self.e164 = "+" + digits
        self.callingCode = code
        self.country = country
    }

    /// Whether the number starts with `prefix` (E.164 digits, with or without `+`).
    package func hasPrefix(_ prefix: String) -> Bool {
        let digits = prefix.hasPrefix("+") ? String(prefix.dropFirst()) : prefix
        return !digits.isEmpty && e164.dropFirst().hasPrefix(digits)
    }

    /// Never the number itself: descriptions end up in logs.
    package var description: String { "PhoneNumber(+\(callingCode)…, \(country ?? "non-geographic"))" }
}

/// The calling codes of ITU-T E.164 with their countries, parsed once from the generated source.
struct CallingCodeTable: Sendable {
    struct Code: Sendable {
        var country: String?
        var lengths: Set<Int>
    }

    var codes: [String: Code] = [:]
    /// National prefixes of shared codes (`1242` → BS), calling code included.
    var sharedPrefixes: [String: String] = [:]
    var longestPrefix = 0

    static let shared = CallingCodeTable(source: source)

    init(source: String) {
        var lastCode = ""
        for line in source.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3 else { continue }
            let prefix = String(fields[0])
            let country = fields[1] == "-" ? nil : String(fields[1])
            if !lastCode.isEmpty, prefix.hasPrefix(lastCode), prefix != lastCode, let country {
                sharedPrefixes[prefix] = country
                longestPrefix = max(longestPrefix, prefix.count)
            } else {
                let lengths = fields[2] == "-" ? [] : Set(fields[2].split(separator: ",").compactMap { Int($0) })
                codes[prefix] = Code(country: country, lengths: lengths)
                lastCode = prefix
            }
        }
    }
}

/// The country of an IANA time zone (from the tz database's zone.tab), for an account's default
/// list of countries its calls may go to.
package enum TimeZoneCountry {
    static let table: [String: String] = {
        var table: [String: String] = [:]
        for line in source.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2 { table[String(fields[0])] = String(fields[1]) }
        }
        return table
    }()

    /// `US` for `America/New_York`; nil for `UTC` and zones of no country.
    package static func country(of timeZone: String) -> String? { table[timeZone] }
}

extension PhoneNumber {
    /// A number from a request's `field`: at most 40 characters, E.164 or national; a refusal
    /// names the field and why.
    package init(input text: String, field: String = "phoneNumber") throws {
        guard text.utf8.count <= 40 else { throw BeckonError.invalidInput(field: field, reason: "longer than 40 characters") }
        do {
            try self.init(text)
        } catch {
            throw BeckonError.invalidInput(field: field, reason: error.description)
        }
    }
}
