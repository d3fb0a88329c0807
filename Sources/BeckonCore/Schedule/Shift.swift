/// One stretch of opening hours within a day, in wall-clock minutes from midnight:
/// `["09:00", "12:30"]`. Times are on 5-minute steps; the end may be `24:00`.
package struct Shift: Hashable, Sendable, Codable {
    package var startMinute: Int
    package var endMinute: Int

    package init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Parses `"HH:MM"`; nil unless on a 5-minute step between 00:00 and 24:00.
    package static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
            let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute), minute % 5 == 0,
            hour < 24 || minute == 0
        else { return nil }
        return hour * 60 + minute
    }

    static func text(_ minute: Int) -> String {
        let hour = minute / 60
        let rest = minute % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
    }

    package init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        let start = try container.decode(String.self)
        let end = try container.decode(String.self)
        guard container.isAtEnd else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a shift is [\"HH:MM\", \"HH:MM\"]"))
        }
        // LiveEngage lets a shift end at 23:59 to mean the end of the day.
        let endOfDay = end == "23:59" ? 1440 : Shift.minute(end)
        guard let startMinute = Shift.minute(start), let endMinute = endOfDay else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "shift times are HH:MM on 5-minute steps, 00:00 to 24:00"))
        }
        self.init(startMinute: startMinute, endMinute: endMinute)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(Shift.text(startMinute))
        try container.encode(Shift.text(endMinute))
    }
}
