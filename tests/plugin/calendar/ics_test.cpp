// Invites as iCalendar: every text read back with libical itself, stable UIDs,
// SEQUENCE on reschedule, METHOD:CANCEL, and local times across DST changes.
#include <mentoring/calendar/ics.hpp>

#include <libical/ical.h>

#include <gtest/gtest.h>

using namespace mentoring::calendar;
using mentoring::domain::Date;
using mentoring::domain::parse_date;

namespace {

Date day(const char* text) {
  return parse_date(text).value();
}

std::int64_t utc(const char* date, int hour, int minute = 0) {
  using namespace std::chrono;
  return duration_cast<seconds>(day(date).time_since_epoch()).count() + hour * 3600 + minute * 60;
}

CalendarEvent supervision_event(const char* on, const char* zone) {
  CalendarEvent e;
  e.uid = event_uid("northwind", "return-to-work", "supervision", "g1-s3");
  e.summary = "Mentor supervision, group 1";
  e.start = {day(on), 10 * 60};
  e.duration_minutes = 90;
  e.timezone = zone;
  e.organizer_email = "programmes@northwind.example";
  e.attendees = {{"M1", "Ada Mentor", "ada@northwind.example"}, {"M2", "Ben Mentor", std::nullopt}};
  return e;
}

// Reads the text with libical's own parser, independently of parse_ics().
void expect_libical_reads(const std::string& ics) {
  icalcomponent* root = icalcomponent_new_from_string(ics.c_str());
  ASSERT_NE(root, nullptr) << ics;
  EXPECT_EQ(icalcomponent_isa(root), ICAL_VCALENDAR_COMPONENT);
  EXPECT_EQ(icalcomponent_count_errors(root), 0) << ics;
  EXPECT_NE(icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT), nullptr);
  icalcomponent_free(root);
}

}  // namespace

TEST(EventUid, IsStableAndSafe) {
  EXPECT_EQ(event_uid("northwind", "rtw", "pair-session", "17/3"),
            "pair-session-17_3.rtw.northwind@mentoring.invalid");
  EXPECT_EQ(event_uid("a", "b", "c", "d"), event_uid("a", "b", "c", "d"));
}

TEST(Ics, ParsesBackWithLibicalAndCarriesWhatWasAsked) {
  std::string ics =
      to_ics(supervision_event("2027-03-01", "Europe/London"), "2026-12-01T08:00:00Z");
  expect_libical_reads(ics);
  auto parsed = parse_ics(ics);
  EXPECT_EQ(parsed.method, "REQUEST");
  EXPECT_EQ(parsed.status, "CONFIRMED");
  EXPECT_EQ(parsed.uid, "supervision-g1-s3.return-to-work.northwind@mentoring.invalid");
  EXPECT_EQ(parsed.sequence, 0);
  EXPECT_EQ(parsed.tzid, "Europe/London");
  EXPECT_EQ(parsed.attendees, 2u);
  EXPECT_EQ(parsed.end_utc - parsed.start_utc, 90 * 60);
  EXPECT_NE(ics.find("BEGIN:VTIMEZONE"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART;TZID=Europe/London:20270301T100000"), std::string::npos);
}

TEST(Ics, LondonSessionsStayAtTenLocalAcrossBothChanges) {
  // 2027: summer time from 28 March to 31 October.
  struct Case {
    const char* on;
    int utc_hour;
  };
  for (Case c : {Case{"2027-03-22", 10}, Case{"2027-04-05", 9}, Case{"2027-10-25", 9},
                 Case{"2027-11-08", 10}}) {
    auto parsed =
        parse_ics(to_ics(supervision_event(c.on, "Europe/London"), "2026-12-01T08:00:00Z"));
    EXPECT_EQ(parsed.start.minutes, 10 * 60) << c.on;
    EXPECT_EQ(parsed.start_utc, utc(c.on, c.utc_hour)) << c.on;
    EXPECT_EQ(to_utc({day(c.on), 10 * 60}, "Europe/London"), utc(c.on, c.utc_hour)) << c.on;
  }
}

TEST(Ics, AmsterdamSessionsStayAtTenLocalAcrossBothChanges) {
  struct Case {
    const char* on;
    int utc_hour;
  };
  for (Case c : {Case{"2027-03-27", 9}, Case{"2027-03-29", 8}, Case{"2027-10-30", 8},
                 Case{"2027-11-01", 9}}) {
    auto parsed =
        parse_ics(to_ics(supervision_event(c.on, "Europe/Amsterdam"), "2026-12-01T08:00:00Z"));
    EXPECT_EQ(parsed.start_utc, utc(c.on, c.utc_hour)) << c.on;
  }
}

TEST(Ics, AgreesWithLibicalsOwnZoneDataAroundTheChangeDays) {
  // The system's tz database, as libical reads it, must agree with our VTIMEZONE.
  for (const char* zone_name : {"Europe/London", "Europe/Amsterdam"}) {
    icaltimezone* system_zone = icaltimezone_get_builtin_timezone(zone_name);
    ASSERT_NE(system_zone, nullptr)
        << "no zone data for " << zone_name << " (is tzdata installed?)";
    for (const char* on : {"2027-03-27", "2027-03-28", "2027-03-29", "2027-10-30", "2027-10-31",
                           "2027-11-01", "2028-03-26", "2028-10-29"}) {
      for (int hour : {0, 3, 10, 23}) {
        icaltimetype t =
            icaltime_from_string((std::string(on).erase(7, 1).erase(4, 1) + "T" +
                                  (hour < 10 ? "0" : "") + std::to_string(hour) + "0000")
                                     .c_str());
        auto expected = static_cast<std::int64_t>(icaltime_as_timet_with_zone(t, system_zone));
        EXPECT_EQ(to_utc({day(on), hour * 60}, zone_name), expected)
            << zone_name << " " << on << " " << hour;
      }
    }
  }
}

TEST(Ics, RescheduleKeepsTheUidAndIncrementsSequence) {
  auto event = supervision_event("2027-03-01", "Europe/London");
  auto first = parse_ics(to_ics(event, "2026-12-01T08:00:00Z"));
  event.start.date = day("2027-03-08");
  event.sequence = 1;
  auto moved = parse_ics(to_ics(event, "2026-12-02T08:00:00Z"));
  EXPECT_EQ(moved.uid, first.uid);
  EXPECT_EQ(moved.sequence, 1);
  EXPECT_EQ(moved.start_utc - first.start_utc, 7 * 86400);
}

TEST(Ics, CancellationUsesMethodCancel) {
  auto event = supervision_event("2027-03-01", "Europe/Amsterdam");
  event.cancelled = true;
  event.sequence = 2;
  std::string ics = to_ics(event, "2026-12-01T08:00:00Z");
  expect_libical_reads(ics);
  auto parsed = parse_ics(ics);
  EXPECT_EQ(parsed.method, "CANCEL");
  EXPECT_EQ(parsed.status, "CANCELLED");
  EXPECT_EQ(parsed.sequence, 2);
}

TEST(Ics, UtcNeedsNoTimezoneAndUnknownZonesAreRefused) {
  auto parsed = parse_ics(to_ics(supervision_event("2027-07-01", "UTC"), "2026-12-01T08:00:00Z"));
  EXPECT_EQ(parsed.tzid, "");
  EXPECT_EQ(parsed.start_utc, utc("2027-07-01", 10));
  EXPECT_THROW(to_ics(supervision_event("2027-07-01", "Mars/Olympus"), "2026-12-01T08:00:00Z"),
               std::invalid_argument);
  EXPECT_THROW(to_ics(supervision_event("2027-07-01", "Europe/London"), "yesterday"),
               std::invalid_argument);
}

TEST(Ics, TextWithCommasAndNewlinesIsEscapedAndReadsBack) {
  auto event = supervision_event("2027-03-01", "Europe/London");
  event.summary = "Kick-off; welcome, everyone";
  event.description = "Line one\nLine two, with a comma; and a semicolon";
  auto parsed = parse_ics(to_ics(event, "2026-12-01T08:00:00Z"));
  EXPECT_EQ(parsed.summary, "Kick-off; welcome, everyone");
}
