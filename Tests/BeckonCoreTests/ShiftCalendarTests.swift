import BeckonCore
import Foundation
import Testing

@Suite struct ShiftCalendarTests {
    /// An instant given as UTC wall time, `2026-03-08T06:59:00Z`.
    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    static func shift(_ start: String, _ end: String) -> Shift {
        Shift(startMinute: Shift.minute(start)!, endMinute: Shift.minute(end)!)
    }

    static let weekdays9to17: [TimeFrame.Weekday: [Shift]] = [
        .mon: [shift("09:00", "17:00")], .tue: [shift("09:00", "17:00")], .wed: [shift("09:00", "17:00")],
        .thu: [shift("09:00", "17:00")], .fri: [shift("09:00", "17:00")],
    ]

    @Test func severalShiftsADayInTheZone() throws {
        let calendar = try ShiftCalendar(
            TimeFrame(timeZone: "America/New_York", weekly: [.mon: [Self.shift("09:00", "12:30"), Self.shift("13:30", "18:00")]]))
        // Monday 2026-11-23, EST = UTC-5.
        #expect(!calendar.isOn(at: Self.utc("2026-11-23T13:59:59Z")))
        #expect(calendar.isOn(at: Self.utc("2026-11-23T14:00:00Z")))
        #expect(calendar.isOn(at: Self.utc("2026-11-23T17:29:59Z")))
        #expect(!calendar.isOn(at: Self.utc("2026-11-23T17:30:00Z")))
        #expect(calendar.isOn(at: Self.utc("2026-11-23T18:30:00Z")))
        #expect(!calendar.isOn(at: Self.utc("2026-11-23T23:00:00Z")))
        #expect(!calendar.isOn(at: Self.utc("2026-11-24T15:00:00Z")))  // Tuesday: closed
        let status = calendar.status(at: Self.utc("2026-11-23T15:00:00Z"))
        #expect(status == .init(onShift: true, nextOn: Self.utc("2026-11-23T18:30:00Z"), nextOff: Self.utc("2026-11-23T17:30:00Z")))
    }

    @Test func springForwardInNewYork() throws {
        // 2026-03-08: at 02:00 EST clocks jump to 03:00 EDT (07:00Z).
        let calendar = try ShiftCalendar(
            TimeFrame(timeZone: "America/New_York", weekly: [.sun: [Self.shift("01:00", "04:00")], .mon: [Self.shift("09:00", "17:00")]]))
        #expect(calendar.isOn(at: Self.utc("2026-03-08T06:00:00Z")))  // 01:00 EST
        #expect(calendar.isOn(at: Self.utc("2026-03-08T07:00:00Z")))  // 03:00 EDT
        #expect(!calendar.isOn(at: Self.utc("2026-03-08T08:00:00Z")))  // 04:00 EDT
        let status = calendar.status(at: Self.utc("2026-03-08T05:00:00Z"))
        #expect(status.nextOn == Self.utc("2026-03-08T06:00:00Z"))
        #expect(status.nextOff == Self.utc("2026-03-08T08:00:00Z"))  // three wall hours, two real ones
        // Monday 09:00 EDT is 13:00Z, no longer 14:00Z.
        #expect(calendar.status(at: Self.utc("2026-03-08T08:00:00Z")).nextOn == Self.utc("2026-03-09T13:00:00Z"))
    }

    @Test func aShiftStartingInTheSkippedHourStartsWhenClocksJump() throws {
        let calendar = try ShiftCalendar(TimeFrame(timeZone: "America/New_York", weekly: [.sun: [Self.shift("02:30", "05:00")]]))
        let status = calendar.status(at: Self.utc("2026-03-08T05:00:00Z"))
        #expect(status.nextOn == Self.utc("2026-03-08T07:00:00Z"))  // 03:00 EDT: the first wall time inside the shift
        #expect(status.nextOff == Self.utc("2026-03-08T09:00:00Z"))
    }

    @Test func fallBackInNewYorkCountsTheRepeatedHourTwice() throws {
        // 2026-11-01: at 02:00 EDT clocks go back to 01:00 EST (06:00Z).
        let calendar = try ShiftCalendar(TimeFrame(timeZone: "America/New_York", weekly: [.sun: [Self.shift("01:00", "01:30")]]))
        #expect(calendar.isOn(at: Self.utc("2026-11-01T05:10:00Z")))  // 01:10 EDT
        #expect(!calendar.isOn(at: Self.utc("2026-11-01T05:40:00Z")))  // 01:40 EDT
        #expect(calendar.isOn(at: Self.utc("2026-11-01T06:10:00Z")))  // 01:10 EST, the second time round
        let status = calendar.status(at: Self.utc("2026-11-01T05:40:00Z"))
        #expect(status == .init(onShift: false, nextOn: Self.utc("2026-11-01T06:00:00Z"), nextOff: Self.utc("2026-11-01T06:30:00Z")))
    }

    @Test func daylightSavingInBerlin() throws {
        // Spring: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z). Autumn: 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
        let calendar = try ShiftCalendar(
            TimeFrame(timeZone: "Europe/Berlin", weekly: [.sun: [Self.shift("00:00", "24:00")], .mon: [Self.shift("08:00", "20:00")]]))
        let spring = calendar.status(at: Self.utc("2026-03-29T12:00:00Z"))
        #expect(spring.onShift)
        #expect(spring.nextOff == Self.utc("2026-03-29T22:00:00Z"))  // Monday 00:00 CEST
        // Sunday 00:00–24:00 is one interval from Saturday 23:00Z to Sunday 22:00Z: 23 real hours.
        #expect(calendar.status(at: Self.utc("2026-03-28T12:00:00Z")).nextOn == Self.utc("2026-03-28T23:00:00Z"))
        #expect(calendar.status(at: Self.utc("2026-03-29T22:00:00Z")).nextOn == Self.utc("2026-03-30T06:00:00Z"))
        // Autumn Sunday has 25 real hours: 2026-10-24T22:00Z to 2026-10-25T23:00Z.
        let autumn = calendar.status(at: Self.utc("2026-10-24T12:00:00Z"))
        #expect(autumn.nextOn == Self.utc("2026-10-24T22:00:00Z"))
        #expect(autumn.nextOff == Self.utc("2026-10-25T23:00:00Z"))
        #expect(calendar.status(at: Self.utc("2026-10-25T23:00:00Z")).nextOn == Self.utc("2026-10-26T07:00:00Z"))
    }

    @Test func shiftsJoinAcrossMidnight() throws {
        let calendar = try ShiftCalendar(
            TimeFrame(timeZone: "UTC", weekly: [.fri: [Self.shift("22:00", "24:00")], .sat: [Self.shift("00:00", "02:00")]]))
        // Friday 2026-11-27 22:00 to Saturday 02:00 is one stretch: no "off" at midnight.
        let status = calendar.status(at: Self.utc("2026-11-27T23:00:00Z"))
        #expect(status.onShift)
        #expect(status.nextOff == Self.utc("2026-11-28T02:00:00Z"))
        #expect(status.nextOn == Self.utc("2026-12-04T22:00:00Z"))
    }

    @Test func specialOccasionsOverrideTheWeek() throws {
        let calendar = try ShiftCalendar(
            TimeFrame(
                timeZone: "America/New_York", weekly: Self.weekdays9to17,
                specialOccasions: [
                    .init(date: LocalDate("2026-12-25")!, name: "Christmas", hours: []),
                    .init(date: LocalDate("2026-12-24")!, hours: [Self.shift("09:00", "12:00")]),
                    .init(date: LocalDate("2026-12-26")!, allDay: true),
                ]))
        #expect(!calendar.isOn(at: Self.utc("2026-12-25T15:00:00Z")))  // Friday, closed for Christmas
        #expect(calendar.isOn(at: Self.utc("2026-12-24T16:00:00Z")))  // 11:00 EST
        #expect(!calendar.isOn(at: Self.utc("2026-12-24T18:00:00Z")))  // 13:00 EST: short day
        #expect(calendar.isOn(at: Self.utc("2026-12-26T08:00:00Z")))  // Saturday 03:00, open all day
        #expect(calendar.isOn(at: Self.utc("2026-12-23T21:00:00Z")))  // an ordinary Wednesday 16:00
        let status = calendar.status(at: Self.utc("2026-12-24T18:00:00Z"))
        #expect(status.nextOn == Self.utc("2026-12-26T05:00:00Z"))
        #expect(status.nextOff == Self.utc("2026-12-27T05:00:00Z"))
    }

    @Test func nextOnAndOffAcrossAClosedWeekend() throws {
        let calendar = try ShiftCalendar(TimeFrame(timeZone: "Europe/Berlin", weekly: Self.weekdays9to17))
        // Friday 2026-11-27 18:00 CET: off until Monday 09:00 CET (08:00Z), then off at 17:00 CET.
        let status = calendar.status(at: Self.utc("2026-11-27T17:00:00Z"))
        #expect(status == .init(onShift: false, nextOn: Self.utc("2026-11-30T08:00:00Z"), nextOff: Self.utc("2026-11-30T16:00:00Z")))
    }

    @Test func dateRangeLimitsTheSchedule() throws {
        let calendar = try ShiftCalendar(
            TimeFrame(timeZone: "UTC", start: LocalDate("2026-12-01"), end: LocalDate("2026-12-02")))
        #expect(!calendar.isOn(at: Self.utc("2026-11-30T23:59:59Z")))
        #expect(calendar.isOn(at: Self.utc("2026-12-01T00:00:00Z")))
        #expect(calendar.isOn(at: Self.utc("2026-12-02T23:59:59Z")))
        #expect(!calendar.isOn(at: Self.utc("2026-12-03T00:00:00Z")))
        let before = calendar.status(at: Self.utc("2026-11-15T00:00:00Z"))
        #expect(before == .init(onShift: false, nextOn: Self.utc("2026-12-01T00:00:00Z"), nextOff: Self.utc("2026-12-03T00:00:00Z")))
        #expect(calendar.status(at: Self.utc("2026-12-05T00:00:00Z")) == .init(onShift: false, nextOn: nil, nextOff: nil))
        let always = try ShiftCalendar(TimeFrame(timeZone: "UTC"))
        #expect(always.status(at: Self.utc("2026-12-05T00:00:00Z")) == .init(onShift: true, nextOn: nil, nextOff: nil))
    }

    @Test func invalidTimeFramesAreRefusedNamingTheField() throws {
        func reason(_ frame: TimeFrame) -> BeckonError? {
            do { try frame.validate() } catch { return error }
            return nil
        }
        #expect(
            reason(TimeFrame(timeZone: "Mars/Olympus"))
                == .invalidInput(field: "timeFrame.timeZone", reason: "'Mars/Olympus' is not an IANA time zone such as Europe/Berlin"))
        #expect(
            reason(TimeFrame(timeZone: "UTC", weekly: [.mon: [Self.shift("17:00", "09:00")]]))
                == .invalidInput(field: "timeFrame.weekly.mon[0]", reason: "ends at 09:00, not after its start 17:00"))
        #expect(
            reason(TimeFrame(timeZone: "UTC", weekly: [.tue: [Self.shift("09:00", "13:00"), Self.shift("12:00", "18:00")]]))
                == .invalidInput(field: "timeFrame.weekly.tue", reason: "shifts 09:00–13:00 and 12:00–18:00 overlap"))
        #expect(
            reason(TimeFrame(timeZone: "UTC", start: LocalDate("2026-12-10"), end: LocalDate("2026-12-01")))
                == .invalidInput(field: "timeFrame.end", reason: "2026-12-01 is before the start 2026-12-10"))
        let twice = TimeFrame.SpecialOccasion(date: LocalDate("2026-12-25")!, hours: [])
        #expect(reason(TimeFrame(timeZone: "UTC", specialOccasions: [twice, twice]))?.description.contains("listed twice") == true)
    }

    @Test func decodesTheSpecShapeAndRefusesBadTimes() throws {
        let json = """
            { "timeZone": "America/New_York", "start": "2026-11-01", "end": null,
              "weekly": { "mon": [["09:00", "12:30"], ["13:30", "18:00"]], "tue": [["09:00", "18:00"]] },
              "specialOccasions": [ { "date": "2026-12-25", "hours": [] } ] }
            """
        let frame = try JSONDecoder().decode(TimeFrame.self, from: Data(json.utf8))
        #expect(frame.start == LocalDate(year: 2026, month: 11, day: 1))
        #expect(frame.weekly?[.mon] == [Self.shift("09:00", "12:30"), Self.shift("13:30", "18:00")])
        #expect(frame.specialOccasions.first?.hours == [])
        let roundTrip = try JSONDecoder().decode(TimeFrame.self, from: JSONEncoder().encode(frame))
        #expect(roundTrip == frame)
        for bad in [#"["09:03", "10:00"]"#, #"["9:00", "10:00"]"#, #"["24:05", "10:00"]"#, #"["09:00"]"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(Shift.self, from: Data(bad.utf8)) }
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LocalDate.self, from: Data(#""2026-02-30""#.utf8)) }
    }

    @Test func localDateArithmetic() {
        #expect(LocalDate("2026-11-24")!.isoWeekday == 2)  // a Tuesday
        #expect(LocalDate("1970-01-01")!.isoWeekday == 4)
        #expect(LocalDate("2024-02-29")!.next == LocalDate("2024-03-01"))
        #expect(LocalDate("2026-12-31")!.next == LocalDate("2027-01-01"))
        #expect(LocalDate("2026-01-01")!.previous == LocalDate("2025-12-31"))
        #expect(LocalDate("2023-02-29") == nil)
    }
}

@Suite struct ShiftEndOfDayTests {
    @Test func anEndOf2359MeansTheEndOfTheDay() throws {
        let shift = try JSONDecoder().decode(Shift.self, from: Data(#"["18:00", "23:59"]"#.utf8))
        #expect(shift == Shift(startMinute: 1080, endMinute: 1440))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Shift.self, from: Data(#"["23:59", "24:00"]"#.utf8)) }
    }
}
