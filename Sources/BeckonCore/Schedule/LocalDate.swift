import Foundation

/// A calendar date without a time or zone (`2026-12-25`), as campaigns' date ranges and special
/// occasions are written.
package struct LocalDate: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    package var year: Int
    package var month: Int
    package var day: Int

    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil for anything else, including dates that do not exist (`2026-02-30`).
    package init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= LocalDate.days(inMonth: month, year: year)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    package var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The next calendar day.
    package var next: LocalDate {
        if day < LocalDate.days(inMonth: month, year: year) { return LocalDate(year: year, month: month, day: day + 1) }
        if month < 12 { return LocalDate(year: year, month: month + 1, day: 1) }
        return LocalDate(year: year + 1, month: 1, day: 1)
    }

    /// The previous calendar day.
    package var previous: LocalDate {
        if day > 1 { return LocalDate(year: year, month: month, day: day - 1) }
        if month > 1 { return LocalDate(year: year, month: month - 1, day: LocalDate.days(inMonth: month - 1, year: year)) }
        return LocalDate(year: year - 1, month: 12, day: 31)
    }

    /// 1 = Monday … 7 = Sunday (ISO 8601), by Zeller-free arithmetic on days since 1970-01-01.
    package var isoWeekday: Int {
        let days = daysSince1970
        return ((days % 7 + 7) % 7 + 3) % 7 + 1  // 1970-01-01 was a Thursday (4).
    }

    /// Days since 1970-01-01 (negative before), from Howard Hinnant's `days_from_civil`.
    package var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a date YYYY-MM-DD")
        }
        self = date
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
