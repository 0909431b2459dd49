#include <mentoring/calendar/ics.hpp>

#include <libical/ical.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace mentoring::calendar {

using namespace std::chrono;
using domain::Date;

namespace {

// A zone that follows the EU rule: summer time from 01:00 UTC on the last
// Sunday of March to 01:00 UTC on the last Sunday of October (since 1996 for
// every zone listed; schedules are never in the past far enough to matter).
struct Zone {
  const char* name;
  int standard_offset_minutes;
  const char* standard_name;
  const char* summer_name;  // nullptr: no summer time (UTC)
};

constexpr Zone kZones[] = {
    {"Europe/London", 0, "GMT", "BST"},       {"Europe/Dublin", 0, "GMT", "IST"},
    {"Europe/Lisbon", 0, "WET", "WEST"},      {"Europe/Amsterdam", 60, "CET", "CEST"},
    {"Europe/Berlin", 60, "CET", "CEST"},     {"Europe/Brussels", 60, "CET", "CEST"},
    {"Europe/Copenhagen", 60, "CET", "CEST"}, {"Europe/Luxembourg", 60, "CET", "CEST"},
    {"Europe/Madrid", 60, "CET", "CEST"},     {"Europe/Oslo", 60, "CET", "CEST"},
    {"Europe/Paris", 60, "CET", "CEST"},      {"Europe/Rome", 60, "CET", "CEST"},
    {"Europe/Stockholm", 60, "CET", "CEST"},  {"Europe/Vienna", 60, "CET", "CEST"},
    {"Europe/Zurich", 60, "CET", "CEST"},     {"UTC", 0, "UTC", nullptr},
};

const Zone& zone_named(std::string_view name) {
  for (const auto& z : kZones) {
    if (name == z.name) return z;
  }
  std::string known;
  for (const auto& z : kZones) known += (known.empty() ? "" : ", ") + std::string(z.name);
  throw std::invalid_argument("calendar: time zone \"" + std::string(name) +
                              "\" is not supported; expected one of: " + known);
}

Date last_sunday(year y, month m) {
  sys_days last{year_month_day_last{y, month_day_last{m}}};
  return last - (weekday{last} - Sunday);
}

// Unix seconds of the EU summer-time interval [start, end) in a year.
std::pair<std::int64_t, std::int64_t> summer_time_utc(year y) {
  auto at_one_utc = [](Date day) {
    return duration_cast<seconds>(day.time_since_epoch()).count() + 3600;
  };
  return {at_one_utc(last_sunday(y, March)), at_one_utc(last_sunday(y, October))};
}

struct IcalDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, IcalDeleter>;

icaltimetype local_time(const LocalDateTime& t) {
  year_month_day ymd{t.date};
  icaltimetype out = icaltime_null_time();
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.hour = t.minutes / 60;
  out.minute = t.minutes % 60;
  out.is_date = 0;
  return out;
}

icaltimetype utc_time(std::int64_t unix_seconds) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(unix_seconds), 0,
                                       icaltimezone_get_utc_timezone());
}

icaltimetype parse_dtstamp(std::string_view text) {
  int y, mo, d, h, mi, s;
  char z = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
      z != 'Z') {
    throw std::invalid_argument("calendar: dtstamp \"" + copy +
                                "\" is not ISO 8601 UTC (eg 2026-12-01T09:30:00Z)");
  }
  icaltimetype t = icaltime_null_time();
  t.year = y, t.month = mo, t.day = d, t.hour = h, t.minute = mi, t.second = s;
  t.zone = icaltimezone_get_utc_timezone();
  return t;
}

void add_observance(icalcomponent* vtimezone, icalcomponent_kind kind, const char* dtstart,
                    int from_minutes, int to_minutes, const char* name, const char* rule) {
  icalcomponent* c = icalcomponent_new(kind);
  icalcomponent_add_property(c, icalproperty_new_dtstart(icaltime_from_string(dtstart)));
  icalcomponent_add_property(c, icalproperty_new_tzoffsetfrom(from_minutes * 60));
  icalcomponent_add_property(c, icalproperty_new_tzoffsetto(to_minutes * 60));
  icalcomponent_add_property(c, icalproperty_new_tzname(name));
  icalcomponent_add_property(c, icalproperty_new_rrule(icalrecurrencetype_from_string(rule)));
  icalcomponent_add_component(vtimezone, c);
}

// The zone's VTIMEZONE: its two yearly observances with the EU rule.
icalcomponent* vtimezone(const Zone& zone) {
  icalcomponent* tz = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
  icalcomponent_add_property(tz, icalproperty_new_tzid(zone.name));
  const int standard = zone.standard_offset_minutes, summer = standard + 60;
  // Local wall-clock times of the changes: 01:00 UTC seen from before each change.
  char spring[32], autumn[32];
  std::snprintf(spring, sizeof spring, "19700329T%02d0000", 1 + standard / 60);
  std::snprintf(autumn, sizeof autumn, "19701025T%02d0000", 1 + summer / 60);
  add_observance(tz, ICAL_XDAYLIGHT_COMPONENT, spring, standard, summer, zone.summer_name,
                 "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
  add_observance(tz, ICAL_XSTANDARD_COMPONENT, autumn, summer, standard, zone.standard_name,
                 "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
  return tz;
}

icalproperty* zoned(icalproperty* property, const Zone& zone) {
  if (zone.summer_name) icalproperty_add_parameter(property, icalparameter_new_tzid(zone.name));
  return property;
}

LocalDateTime plus_minutes(LocalDateTime t, int minutes) {
  int total = t.minutes + minutes;
  int whole_days = total >= 0 ? total / 1440 : -((-total + 1439) / 1440);
  return {t.date + days{whole_days}, total - whole_days * 1440};
}

std::string sanitize(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_';
    if (!plain) ch = '_';
  }
  return out;
}

}  // namespace

std::string event_uid(std::string_view organisation, std::string_view programme,
                      std::string_view kind, std::string_view id) {
  return sanitize(kind) + "-" + sanitize(id) + "." + sanitize(programme) + "." +
         sanitize(organisation) + "@mentoring.invalid";
}

const std::vector<std::string>& supported_timezones() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& z : kZones) out.emplace_back(z.name);
    return out;
  }();
  return names;
}

bool is_supported_timezone(std::string_view timezone) {
  return std::any_of(std::begin(kZones), std::end(kZones),
                     [&](const Zone& z) { return timezone == z.name; });
}

std::int64_t to_utc(const LocalDateTime& local, std::string_view timezone) {
  const Zone& zone = zone_named(timezone);
  std::int64_t wall = duration_cast<seconds>(local.date.time_since_epoch()).count() +
                      std::int64_t{local.minutes} * 60;
  std::int64_t as_standard = wall - std::int64_t{zone.standard_offset_minutes} * 60;
  if (!zone.summer_name) return as_standard;
  std::int64_t as_summer = as_standard - 3600;
  auto [start, end] = summer_time_utc(year_month_day{local.date}.year());
  // RFC 5545 3.3.5: an ambiguous time (autumn) is its first occurrence, i.e.
  // summer time; a time in the spring gap takes the offset from before the gap.
  return as_summer >= start && as_summer < end ? as_summer : as_standard;
}

std::string to_ics(const CalendarEvent& event, std::string_view dtstamp_utc) {
  const Zone& zone = zone_named(event.timezone);
  if (event.start.minutes < 0 || event.start.minutes >= 24 * 60) {
    throw std::invalid_argument("calendar: start time of day out of range: " +
                                std::to_string(event.start.minutes) + " minutes");
  }
  if (event.duration_minutes <= 0) {
    throw std::invalid_argument("calendar: duration must be positive");
  }
  if (event.uid.empty()) throw std::invalid_argument("calendar: an event needs a uid");
  // Everything that can throw comes before libical allocates anything.
  const icaltimetype dtstamp = parse_dtstamp(dtstamp_utc);

  Component calendar(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
  icalcomponent_add_property(calendar.get(),
                             icalproperty_new_prodid("-//mentoring//return-to-work mentoring//EN"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(calendar.get(), icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_property(
      calendar.get(),
      icalproperty_new_method(event.cancelled ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST));
  if (zone.summer_name) icalcomponent_add_component(calendar.get(), vtimezone(zone));

  icalcomponent* vevent = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  icalcomponent_add_property(vevent, icalproperty_new_uid(event.uid.c_str()));
  icalcomponent_add_property(vevent, icalproperty_new_sequence(event.sequence));
  icalcomponent_add_property(vevent, icalproperty_new_dtstamp(dtstamp));
  LocalDateTime end = plus_minutes(event.start, event.duration_minutes);
  if (zone.summer_name) {
    icalcomponent_add_property(vevent,
                               zoned(icalproperty_new_dtstart(local_time(event.start)), zone));
    icalcomponent_add_property(vevent, zoned(icalproperty_new_dtend(local_time(end)), zone));
  } else {
    icalcomponent_add_property(vevent,
                               icalproperty_new_dtstart(utc_time(to_utc(event.start, zone.name))));
    icalcomponent_add_property(vevent, icalproperty_new_dtend(utc_time(to_utc(end, zone.name))));
  }
  icalcomponent_add_property(vevent, icalproperty_new_summary(event.summary.c_str()));
  if (!event.description.empty()) {
    icalcomponent_add_property(vevent, icalproperty_new_description(event.description.c_str()));
  }
  if (event.location) {
    icalcomponent_add_property(vevent, icalproperty_new_location(event.location->c_str()));
  }
  if (event.organizer_email) {
    icalcomponent_add_property(
        vevent, icalproperty_new_organizer(("mailto:" + *event.organizer_email).c_str()));
  }
  for (const auto& a : event.attendees) {
    std::string address =
        a.email ? "mailto:" + *a.email : "urn:x-mentoring:person:" + sanitize(a.person_id);
    icalproperty* attendee = icalproperty_new_attendee(address.c_str());
    if (!a.name.empty()) icalproperty_add_parameter(attendee, icalparameter_new_cn(a.name.c_str()));
    icalcomponent_add_property(vevent, attendee);
  }
  icalcomponent_add_property(
      vevent,
      icalproperty_new_status(event.cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
  icalcomponent_add_component(calendar.get(), vevent);

  char* raw = icalcomponent_as_ical_string_r(calendar.get());
  if (!raw) throw std::runtime_error("calendar: libical could not write event " + event.uid);
  std::string text(raw);
  icalmemory_free_buffer(raw);

  // Never hand out an invite libical itself cannot read back as written.
  ParsedInvite check = parse_ics(text);
  if (check.uid != event.uid || check.sequence != event.sequence) {
    throw std::runtime_error("calendar: event " + event.uid + " did not read back as written");
  }
  return text;
}

ParsedInvite parse_ics(std::string_view text) {
  std::string copy(text);
  Component root(icalparser_parse_string(copy.c_str()));
  if (!root) throw std::runtime_error("calendar: libical found no iCalendar object");
  if (icalcomponent_isa(root.get()) != ICAL_VCALENDAR_COMPONENT) {
    throw std::runtime_error("calendar: the top component is not a VCALENDAR");
  }
  if (int errors = icalcomponent_count_errors(root.get()); errors > 0) {
    throw std::runtime_error("calendar: libical reported " + std::to_string(errors) +
                             " error(s) reading the invite");
  }
  ParsedInvite out;
  if (icalproperty* method = icalcomponent_get_first_property(root.get(), ICAL_METHOD_PROPERTY)) {
    out.method = icalproperty_method_to_string(icalproperty_get_method(method));
  }
  icalcomponent* vevent = icalcomponent_get_first_component(root.get(), ICAL_VEVENT_COMPONENT);
  if (!vevent) throw std::runtime_error("calendar: the invite has no VEVENT");
  if (const char* uid = icalcomponent_get_uid(vevent)) out.uid = uid;
  out.sequence = icalcomponent_get_sequence(vevent);
  if (icalproperty* status = icalcomponent_get_first_property(vevent, ICAL_STATUS_PROPERTY)) {
    out.status = icalproperty_status_to_string(icalproperty_get_status(status));
  }
  if (const char* summary = icalcomponent_get_summary(vevent)) out.summary = summary;
  out.attendees =
      static_cast<std::size_t>(icalcomponent_count_properties(vevent, ICAL_ATTENDEE_PROPERTY));

  icalproperty* dtstart = icalcomponent_get_first_property(vevent, ICAL_DTSTART_PROPERTY);
  icalproperty* dtend = icalcomponent_get_first_property(vevent, ICAL_DTEND_PROPERTY);
  if (!dtstart || !dtend) throw std::runtime_error("calendar: the VEVENT needs DTSTART and DTEND");
  icaltimetype start = icalproperty_get_dtstart(dtstart);
  icaltimetype finish = icalproperty_get_dtend(dtend);
  out.start = {Date{year{start.year} / start.month / start.day}, start.hour * 60 + start.minute};

  icaltimezone* zone = nullptr;
  icaltimezone* own_zone = nullptr;
  if (icalparameter* tzid = icalproperty_get_first_parameter(dtstart, ICAL_TZID_PARAMETER)) {
    out.tzid = icalparameter_get_tzid(tzid);
    for (icalcomponent* tz =
             icalcomponent_get_first_component(root.get(), ICAL_VTIMEZONE_COMPONENT);
         tz; tz = icalcomponent_get_next_component(root.get(), ICAL_VTIMEZONE_COMPONENT)) {
      icalproperty* id = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
      if (id && out.tzid == icalproperty_get_tzid(id)) {
        own_zone = icaltimezone_new();
        icaltimezone_set_component(own_zone, icalcomponent_new_clone(tz));
        zone = own_zone;
      }
    }
    if (!zone) throw std::runtime_error("calendar: no VTIMEZONE for TZID " + out.tzid);
  } else {
    zone = icaltimezone_get_utc_timezone();
  }
  start.zone = nullptr;
  finish.zone = nullptr;
  out.start_utc = static_cast<std::int64_t>(icaltime_as_timet_with_zone(start, zone));
  out.end_utc = static_cast<std::int64_t>(icaltime_as_timet_with_zone(finish, zone));
  if (own_zone) icaltimezone_free(own_zone, 1);
  return out;
}

}  // namespace mentoring::calendar
