import Foundation

/// When a campaign runs (SPEC §8): a date range and opening hours in one IANA time zone. Weekly
/// hours may hold several shifts a day; special occasions (closed, open all day, custom hours)
/// replace the week's hours on their date.
///
/// Semantics are wall-clock: the campaign is on at an instant when the instant's local date is in
/// the range and its local time falls in one of that date's shifts. On a spring-forward day a
/// shift covering the skipped hour simply has fewer minutes; on a fall-back day the repeated hour
/// counts twice.
package struct TimeFrame: Hashable, Sendable, Codable {
    package struct SpecialOccasion: Hashable, Sendable, Codable {
        package var date: LocalDate
        package var name: String?
        /// Open around the clock that day.
        package var allDay: Bool?
        /// The day's shifts; empty means closed. Ignored when `allDay` is true.
        package var hours: [Shift]?

        package init(date: LocalDate, name: String? = nil, allDay: Bool? = nil, hours: [Shift]? = nil) {
            self.date = date
            self.name = name
            self.allDay = allDay
            self.hours = hours
        }
    }

    package enum Weekday: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable {
        case mon, tue, wed, thu, fri, sat, sun

        /// 1 = Monday … 7 = Sunday.
        package init(isoWeekday: Int) { self = Weekday.allCases[(isoWeekday - 1) % 7] }
    }

    package var timeZone: String
    /// First day on (inclusive); nil means since ever.
    package var start: LocalDate?
    /// Last day on (inclusive); nil means open-ended.
    package var end: LocalDate?
    /// Hours per weekday; a day not listed is closed. Nil means open around the clock every day.
    package var weekly: [Weekday: [Shift]]?
    package var specialOccasions: [SpecialOccasion]

    package init(
        timeZone: String, start: LocalDate? = nil, end: LocalDate? = nil, weekly: [Weekday: [Shift]]? = nil,
        specialOccasions: [SpecialOccasion] = []
    ) {
        self.timeZone = timeZone
        self.start = start
        self.end = end
        self.weekly = weekly
        self.specialOccasions = specialOccasions
    }

    enum CodingKeys: String, CodingKey {
        case timeZone, start, end, weekly, specialOccasions
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        timeZone = try container.decode(String.self, forKey: .timeZone)
        start = try container.decodeIfPresent(LocalDate.self, forKey: .start)
        end = try container.decodeIfPresent(LocalDate.self, forKey: .end)
        // A day given as null is closed, as a day left out is: a JSON Merge Patch removes a
        // stored day that way.
        weekly = try container.decodeIfPresent([Weekday: [Shift]?].self, forKey: .weekly)?.compactMapValues { $0 }
        specialOccasions = try container.decodeIfPresent([SpecialOccasion].self, forKey: .specialOccasions) ?? []
    }

    /// Refuses a time frame that cannot mean what its author wanted, naming the field.
    package func validate(field: String = "timeFrame") throws(BeckonError) {
        guard TimeZone(identifier: timeZone) != nil, timeZone.contains("/") || timeZone == "UTC" else {
            throw .invalidInput(field: "\(field).timeZone", reason: "'\(timeZone)' is not an IANA time zone such as Europe/Berlin")
        }
        if let start, let end, end < start {
            throw .invalidInput(field: "\(field).end", reason: "\(end) is before the start \(start)")
        }
        for (day, shifts) in weekly ?? [:] {
            try Self.validate(shifts, field: "\(field).weekly.\(day.rawValue)")
        }
        var seen = Set<LocalDate>()
        for (index, occasion) in specialOccasions.enumerated() {
            let path = "\(field).specialOccasions[\(index)]"
            guard seen.insert(occasion.date).inserted else {
                throw .invalidInput(field: "\(path).date", reason: "\(occasion.date) is listed twice")
            }
            if occasion.allDay != true, occasion.hours == nil {
                throw .invalidInput(field: "\(path).hours", reason: "give hours ([] for closed) or allDay: true")
            }
            try Self.validate(occasion.hours ?? [], field: "\(path).hours")
        }
    }

    private static func validate(_ shifts: [Shift], field: String) throws(BeckonError) {
        for (index, shift) in shifts.enumerated() where shift.endMinute <= shift.startMinute {
            throw .invalidInput(
                field: "\(field)[\(index)]",
                reason: "ends at \(Shift.text(shift.endMinute)), not after its start \(Shift.text(shift.startMinute))")
        }
        let sorted = shifts.sorted { $0.startMinute < $1.startMinute }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where later.startMinute < earlier.endMinute {
            throw .invalidInput(
                field: field,
                reason: "shifts \(Shift.text(earlier.startMinute))–\(Shift.text(earlier.endMinute)) and "
                    + "\(Shift.text(later.startMinute))–\(Shift.text(later.endMinute)) overlap")
        }
    }

    /// The shifts of a local date, or nil when the date is outside the range.
    func shifts(on date: LocalDate) -> [Shift]? {
        if let start, date < start { return nil }
        if let end, date > end { return nil }
        if let occasion = specialOccasions.first(where: { $0.date == date }) {
            return occasion.allDay == true ? [Shift(startMinute: 0, endMinute: 1440)] : occasion.hours ?? []
        }
        guard let weekly else { return [Shift(startMinute: 0, endMinute: 1440)] }
        return weekly[Weekday(isoWeekday: date.isoWeekday)] ?? []
    }
}
