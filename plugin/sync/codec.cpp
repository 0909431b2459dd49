#include <mentoring/sync/codec.hpp>

#include <stdexcept>

namespace mentoring::sync {

using json = nlohmann::json;
using namespace mentoring::domain;

namespace {

std::optional<std::string> optional_string(const json& record, const char* key) {
  if (!record.contains(key) || record[key].is_null()) return std::nullopt;
  return record[key].get<std::string>();
}

std::optional<Date> optional_date(const json& record, const char* key) {
  auto text = optional_string(record, key);
  if (!text) return std::nullopt;
  auto date = parse_date(*text);
  if (!date) throw std::invalid_argument(std::string("/") + key + ": not a calendar date: " + *text);
  return date;
}

Date required_date(const json& record, const char* key) {
  auto date = optional_date(record, key);
  if (!date) throw std::invalid_argument(std::string("/") + key + ": missing");
  return *date;
}

}  // namespace

Person person_from_json(const json& r) {
  Person p;
  p.id = r.at("id").get<std::string>();
  p.name = r.at("name").get<std::string>();
  p.email = optional_string(r, "email");
  p.manager_id = optional_string(r, "manager_id");
  p.department = optional_string(r, "department");
  p.location = optional_string(r, "location");
  p.start_date = optional_date(r, "start_date");
  p.end_date = optional_date(r, "end_date");
  if (r.contains("languages")) p.languages = r["languages"].get<std::vector<std::string>>();
  return p;
}

Leave leave_from_json(const json& r) {
  Leave l;
  l.id = r.at("id").get<std::string>();
  l.person_id = r.at("person_id").get<std::string>();
  auto type = parse_leave_type(r.at("type").get<std::string>());
  auto status = parse_leave_status(r.at("status").get<std::string>());
  if (!type) throw std::invalid_argument("/type: unknown leave type");
  if (!status) throw std::invalid_argument("/status: unknown leave status");
  l.type = *type;
  l.status = *status;
  l.start = required_date(r, "start");
  l.expected_end = required_date(r, "expected_end");
  l.actual_end = optional_date(r, "actual_end");
  l.last_changed = optional_string(r, "last_changed");
  return l;
}

CourseCompletion completion_from_json(const json& r) {
  CourseCompletion c;
  c.person_id = r.at("person_id").get<std::string>();
  c.course_id = r.at("course_id").get<std::string>();
  c.completed_at = required_date(r, "completed_at");
  c.expires_at = optional_date(r, "expires_at");
  return c;
}

Programme programme_from_json(const json& d) {
  Programme p;
  p.id = d.at("id").get<std::string>();
  p.name = d.at("name").get<std::string>();
  const json& mentee = d.at("mentee");
  for (const auto& t : mentee.at("leave_types")) {
    auto type = parse_leave_type(t.get<std::string>());
    if (!type) throw std::invalid_argument("/mentee/leave_types: unknown leave type " + t.dump());
    p.mentee.leave_types.insert(*type);
  }
  p.mentee.invite_from_months_before = mentee.value("invite_from_months_before", 6);
  p.mentee.invite_until_months_before = mentee.value("invite_until_months_before", 0);
  p.mentee.min_leave_days = mentee.value("min_leave_days", 0);
  if (p.mentee.invite_until_months_before > p.mentee.invite_from_months_before) {
    throw std::invalid_argument(
        "/mentee/invite_until_months_before: found " +
        std::to_string(p.mentee.invite_until_months_before) +
        "; expected at most invite_from_months_before (" +
        std::to_string(p.mentee.invite_from_months_before) + ")");
  }
  if (d.contains("invitation")) {
    p.invitation_expiry_days = d["invitation"].value("expiry_days", 21);
  }
  return p;
}

}  // namespace mentoring::sync
