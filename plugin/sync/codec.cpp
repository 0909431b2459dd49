#include <mentoring/sync/codec.hpp>

#include <mentoring/schema.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace mentoring::sync {

using json = nlohmann::json;
using namespace mentoring::domain;

namespace {

using schema::JsonValue;

std::string text(const JsonValue& record, const char* key) {
  JsonValue value = record[key];
  if (!value.is_string()) throw std::invalid_argument(std::string("/") + key + ": not a string");
  return std::string(value.string());
}

std::optional<std::string> optional_string(const JsonValue& record, const char* key) {
  JsonValue value = record[key];
  if (value.is_missing() || value.is_null()) return std::nullopt;
  return text(record, key);
}

std::optional<Date> optional_date(const JsonValue& record, const char* key) {
  JsonValue value = record[key];
  if (value.is_missing() || value.is_null()) return std::nullopt;
  auto date = value.is_string() ? parse_date(value.string()) : std::nullopt;
  if (!date) {
    throw std::invalid_argument(std::string("/") + key +
                                ": not a calendar date: " + schema::describe(value.to_json()));
  }
  return date;
}

Date required_date(const JsonValue& record, const char* key) {
  auto date = optional_date(record, key);
  if (!date) throw std::invalid_argument(std::string("/") + key + ": missing");
  return *date;
}

}  // namespace

Person person_from(const JsonValue& r) {
  Person p;
  p.id = text(r, "id");
  p.name = text(r, "name");
  p.email = optional_string(r, "email");
  p.manager_id = optional_string(r, "manager_id");
  p.employee_number = optional_string(r, "employee_number");
  for (JsonValue manager : r["indirect_manager_ids"].elements())
    p.indirect_manager_ids.emplace_back(manager.string());
  p.department = optional_string(r, "department");
  p.location = optional_string(r, "location");
  p.start_date = optional_date(r, "start_date");
  p.end_date = optional_date(r, "end_date");
  for (JsonValue language : r["languages"].elements()) p.languages.emplace_back(language.string());
  return p;
}

Leave leave_from(const JsonValue& r) {
  Leave l;
  l.id = text(r, "id");
  l.person_id = text(r, "person_id");
  auto type = parse_leave_type(r["type"].string());
  auto status = parse_leave_status(r["status"].string());
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

CourseCompletion completion_from(const JsonValue& r) {
  CourseCompletion c;
  c.person_id = text(r, "person_id");
  c.course_id = text(r, "course_id");
  c.completed_at = required_date(r, "completed_at");
  c.expires_at = optional_date(r, "expires_at");
  return c;
}

namespace {

std::set<LeaveType> leave_types(const json& list, const std::string& pointer) {
  std::set<LeaveType> out;
  for (const auto& t : list) {
    auto type = parse_leave_type(t.get<std::string>());
    if (!type) throw std::invalid_argument(pointer + ": unknown leave type " + t.dump());
    out.insert(*type);
  }
  return out;
}

std::optional<double> optional_number(const json& object, const char* key) {
  if (!object.contains(key)) return std::nullopt;
  return object[key].get<double>();
}

Anchor anchor_from(const std::string& text) {
  if (text == "leave_start") return Anchor::leave_start;
  if (text == "leave_end") return Anchor::leave_end;
  if (text == "return") return Anchor::return_to_work;
  return Anchor::pairing;
}

}  // namespace

Programme programme_from_json(const json& d) {
  Programme p;
  p.id = d.at("id").get<std::string>();
  p.name = d.at("name").get<std::string>();
  const json& mentee = d.at("mentee");
  p.mentee.leave_types = leave_types(mentee.at("leave_types"), "/mentee/leave_types");
  p.mentee.invite_from_months_before = mentee.value("invite_from_months_before", 6);
  p.mentee.invite_until_months_before = mentee.value("invite_until_months_before", 0);
  p.mentee.min_leave_days = mentee.value("min_leave_days", 0);
  p.mentee.self_nomination = mentee.value("self_nomination", false);
  p.mentee.min_experience_years = optional_number(mentee, "min_experience_years");
  if (p.mentee.invite_until_months_before > p.mentee.invite_from_months_before) {
    throw std::invalid_argument("/mentee/invite_until_months_before: found " +
                                std::to_string(p.mentee.invite_until_months_before) +
                                "; expected at most invite_from_months_before (" +
                                std::to_string(p.mentee.invite_from_months_before) + ")");
  }
  const json mentor = d.value("mentor", json::object());
  p.mentor.leave_types =
      leave_types(mentor.value("leave_types", json::array()), "/mentor/leave_types");
  p.mentor.leave_within_years = optional_number(mentor, "leave_within_years");
  p.mentor.min_experience_years = optional_number(mentor, "min_experience_years");
  p.mentor.self_nomination = mentor.value("self_nomination", true);
  p.mentor.capacity = mentor.value("capacity", 1);

  const json training = d.value("training", json::object());
  p.mentor_courses = training.value("mentor_courses", std::vector<std::string>{});
  p.mentee_courses = training.value("mentee_courses", std::vector<std::string>{});
  if (training.contains("valid_for_months"))
    p.training_valid_months = training["valid_for_months"].get<int>();

  // A name used twice ("Keep-in-touch check-in") gets its occurrence number, so
  // every touchpoint keeps a stable key across reschedules.
  std::map<std::string, int> seen;
  for (const auto& phase : d.value("phases", json::array())) {
    for (const auto& t : phase.value("touchpoints", json::array())) {
      std::string name = t.at("name").get<std::string>();
      int occurrence = ++seen[name];
      if (occurrence > 1) name += " (" + std::to_string(occurrence) + ")";
      p.touchpoints.push_back({phase.at("name").get<std::string>(), name,
                               anchor_from(t.at("anchor").get<std::string>()),
                               t.at("offset_days").get<int>()});
    }
  }
  p.duration_months = d.value("duration_months", 12);
  p.max_duration_months = d.value("max_duration_months", std::max(12, p.duration_months));
  if (p.max_duration_months < p.duration_months) {
    throw std::invalid_argument(
        "/max_duration_months: found " + std::to_string(p.max_duration_months) +
        "; expected at least duration_months (" + std::to_string(p.duration_months) + ")");
  }
  if (d.contains("cohort_capacity")) p.cohort_capacity = d["cohort_capacity"].get<int>();
  const json invitation = d.value("invitation", json::object());
  p.invitation_expiry_days = invitation.value("expiry_days", 21);
  p.reminder_days = invitation.value("reminder_days", std::vector<int>{});
  if (d.contains("pay_it_forward_after_months")) {
    p.pay_it_forward_after_months = d["pay_it_forward_after_months"].get<int>();
  }
  p.reinvite_after_expiry = invitation.value("reinvite_after_expiry", 1);
  p.shape = d.value("shape", "pairs") == "circles" ? PairingShape::circles : PairingShape::pairs;
  p.circle_max_mentees = d.value("circle", json::object()).value("max_mentees", 4);
  const json choice = d.value("participant_choice", json::object());
  p.participant_choice.mentee_requests_mentor = choice.value("mentee_requests_mentor", false);
  p.participant_choice.mentor_may_decline = choice.value("mentor_may_decline", false);
  const json kit = d.value("keeping_in_touch", json::object());
  if (kit.contains("limits")) {
    for (const auto& [type, days] : kit["limits"].items()) {
      auto parsed = parse_leave_type(type);
      if (!parsed) {
        throw std::invalid_argument("/keeping_in_touch/limits/" + type +
                                    ": found an unknown leave type; expected one of the leave "
                                    "types of schemas/leave.schema.json");
      }
      p.keeping_in_touch.limits[*parsed] = days.get<int>();
    }
  } else {
    p.keeping_in_touch.limits = {
        {LeaveType::maternity, 10}, {LeaveType::adoption, 10}, {LeaveType::shared_parental, 20}};
  }
  p.keeping_in_touch.warn_when_remaining = kit.value("warn_when_remaining", 2);
  for (const auto& s : d.value("return_steps", json::array())) {
    ReturnStep step;
    step.id = s.at("id").get<std::string>();
    step.name = s.at("name").get<std::string>();
    step.description = s.value("description", "");
    step.anchor = anchor_from(s.value("anchor", "return"));
    step.offset_days = s.at("offset_days").get<int>();
    p.return_steps.push_back(std::move(step));
  }
  if (d.contains("fee_per_participant")) {
    p.fee_per_participant = Fee{d["fee_per_participant"].at("amount").get<double>(),
                                d["fee_per_participant"].at("currency").get<std::string>()};
  }
  return p;
}

OrgPolicy org_policy_from_json(const json& config) {
  OrgPolicy policy;
  const json modules = config.value("modules", json::object());
  policy.modules.enrolment = modules.value("enrolment", false);
  policy.modules.training = modules.value("training", false);
  policy.modules.pairing = modules.value("pairing", false);
  policy.modules.supervision = modules.value("supervision", false);
  policy.modules.evaluation = modules.value("evaluation", false);
  policy.modules.return_to_work = modules.value("return_to_work", false);
  const json p = config.value("policy", json::object());
  const int min_group_size =
      std::max(p.value("evaluation_min_group_size", 0), p.value("anonymity_threshold", 0));
  if (min_group_size > 0) policy.evaluation_min_group_size = min_group_size;
  policy.sync.absent_share_limit = p.value("absent_share_limit", policy.sync.absent_share_limit);
  policy.sync.max_pages_per_stream =
      p.value("sync", json::object())
          .value("max_pages_per_stream", policy.sync.max_pages_per_stream);
  const json delivery = p.value("delivery", json::object());
  policy.delivery.retry_after_minutes =
      delivery.value("retry_after_minutes", policy.delivery.retry_after_minutes);
  policy.delivery.max_attempts = delivery.value("max_attempts", policy.delivery.max_attempts);
  if (p.contains("retention_months")) policy.retention_months = p.at("retention_months").get<int>();
  policy.timezone = p.value("timezone", policy.timezone);
  if (p.contains("programme_manager_email") && p["programme_manager_email"].is_string())
    policy.programme_manager_email = p["programme_manager_email"].get<std::string>();
  return policy;
}

}  // namespace mentoring::sync
