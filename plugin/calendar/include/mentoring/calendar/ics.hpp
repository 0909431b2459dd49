// mentoring/calendar/ics.hpp — calendar invites as iCalendar (RFC 5545) text.
//
//   CalendarEvent event;
//   event.uid = event_uid("northwind", "return-to-work", "supervision", "g1-s3");
//   event.sequence = 0;                               // +1 on every reschedule or cancellation
//   event.start = {parse_date("2027-03-22").value(), 10 * 60};   // 10:00 local
//   event.timezone = "Europe/London";                 // TZID + VTIMEZONE with its DST rules
//   std::string ics = to_ics(event, "2026-12-01T00:00:00Z");      // METHOD:REQUEST or CANCEL
//
// Built with libical, and every text is parsed back with libical before it is
// returned, so a calendar never receives an invite it cannot read. The header
// exposes no libical types.
#pragma once

#include <mentoring/domain/date.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::calendar {

struct LocalDateTime {
  domain::Date date{};
  int minutes = 0;  // since local midnight
  bool operator==(const LocalDateTime&) const = default;
};

struct Attendee {
  std::string person_id;  // the calendar address when there is no email
  std::string name;
  std::optional<std::string> email;  // without one, the attendee is listed by name only
};

struct CalendarEvent {
  std::string uid;         // stable across reschedules: see event_uid()
  int sequence = 0;        // RFC 5545: incremented on each significant change
  bool cancelled = false;  // METHOD:CANCEL, STATUS:CANCELLED
  std::string summary;
  std::string description;
  std::optional<std::string> location;
  LocalDateTime start;
  int duration_minutes = 60;
  std::string timezone = "Europe/London";  // IANA name; see supported_timezones()
  std::optional<std::string> organizer_email;
  std::vector<Attendee> attendees;
};

// A UID that is the same every time for the same thing, eg
// "supervision-g1-s3.return-to-work.northwind@mentoring.invalid". Characters
// outside [A-Za-z0-9-_] are replaced so the UID survives every calendar.
std::string event_uid(std::string_view organisation, std::string_view programme,
                      std::string_view kind, std::string_view id);

// The zones whose daylight-saving rules are built in: Europe/London (GMT/BST),
// Europe/Amsterdam and the other central European zones (CET/CEST), Lisbon and
// Dublin, and "UTC" (times written in UTC, no VTIMEZONE).
const std::vector<std::string>& supported_timezones();
bool is_supported_timezone(std::string_view timezone);

// The iCalendar text (CRLF line ends). dtstamp_utc is ISO 8601 UTC
// ("2026-12-01T09:30:00Z"): when the plugin decided it, never the clock.
// Throws std::invalid_argument for an unsupported zone, a bad time of day or a
// bad dtstamp, and std::runtime_error if libical cannot read back the text.
std::string to_ics(const CalendarEvent& event, std::string_view dtstamp_utc);

// What libical reads back from an invite (for checks and tests).
struct ParsedInvite {
  std::string method;  // REQUEST | CANCEL
  std::string uid;
  int sequence = 0;
  std::string status;          // CONFIRMED | CANCELLED
  std::string tzid;            // "" when written in UTC
  LocalDateTime start;         // as written, local to tzid
  std::int64_t start_utc = 0;  // unix seconds, resolved through the invite's own VTIMEZONE
  std::int64_t end_utc = 0;
  std::string summary;
  std::size_t attendees = 0;
};

// Parses with libical; throws std::runtime_error naming what is missing.
ParsedInvite parse_ics(std::string_view text);

// The UTC instant of a local time in a supported zone, by the same rules the
// VTIMEZONE carries (EU: changes at 01:00 UTC on the last Sundays of March and
// October). Unix seconds.
std::int64_t to_utc(const LocalDateTime& local, std::string_view timezone);

}  // namespace mentoring::calendar
