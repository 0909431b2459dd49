#include "scenario_harness.hpp"

#include <mentoring/domain/date.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/org_store.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

namespace scenario {

using mentoring::domain::format_date;
using mentoring::domain::parse_date;

std::string Received::words() const {
  const json& payload = action.at("payload");
  return payload.value("subject", "") + "\n" + payload.value("text", "") + "\n" +
         payload.value("summary", "") + "\n" + payload.value("description", "");
}

std::vector<std::string> recipients(const json& action) {
  const json& payload = action.at("payload");
  std::vector<std::string> out;
  if (payload.contains("to") && payload["to"].is_object()) {
    const json& to = payload["to"];
    if (to.contains("person_id") && to["person_id"].is_string()) {
      out.push_back(to["person_id"].get<std::string>());
    } else if (to.value("role", "") == "programme_manager") {
      out.push_back("programme_manager");
    }
    return out;
  }
  if (action.at("type") == "calendar_event") {
    for (const auto& a : payload.value("attendees", json::array())) {
      if (a.contains("person_id")) out.push_back(a["person_id"].get<std::string>());
    }
    return out;
  }
  if (action.contains("person_id") && action["person_id"].is_string()) {
    out.push_back(action["person_id"].get<std::string>());
  }
  return out;
}

// ------------------------------------------------------------------ InMemoryHr

void InMemoryHr::upsert(json& list, json record, const char* key) {
  for (auto& r : list) {
    if (r[key] == record[key]) {
      r = std::move(record);
      return;
    }
  }
  list.push_back(std::move(record));
}

json& InMemoryHr::find(json& list, const std::string& id) {
  for (auto& r : list) {
    if (r["id"] == id) return r;
  }
  throw std::runtime_error("scenario HR: no record " + id);
}

void InMemoryHr::add_completion(json completion) {
  completions_.push_back(std::move(completion));
  changed();
}

std::string InMemoryHr::handle(const std::string& command, const std::string& input) {
  json in = json::parse(input);
  if (command == "push") {
    json results = json::array();
    for (const auto& a : in["actions"]) {
      received.push_back({today, a});
      results.push_back({{"idempotency_key", a["idempotency_key"]}, {"status", "done"}});
    }
    return json{{"results", results}}.dump();
  }
  if (command == "check") return json{{"ok", true}, {"message", "in memory"}}.dump();
  std::string cursor = "v" + std::to_string(version_);
  if (in["cursor"] == cursor)
    return json{{"records", json::array()}, {"next_cursor", cursor}, {"unchanged", true}}.dump();
  std::string stream = in["stream"];
  const json& records = stream == "people" ? people_ : stream == "leave" ? leave_ : completions_;
  return json{{"records", records}, {"next_cursor", cursor}, {"more", false}}.dump();
}

// ------------------------------------------------------------------ Scenario

namespace {

// The output schema of a command, by the runners' naming, when there is one.
std::optional<std::string> output_schema(const std::string& command) {
  static const std::set<std::string> supervision = {
      "kickoff_schedule", "kickoff_attendance", "kickoff_note", "session_cadence",
      "session_record",   "session_list",       "session_move"};
  std::string name = command;
  if (command.rfind("pairing_", 0) == 0) {  // pairing_mentor_answer: pairing-mentor-answer
    name = "pairing-" + command.substr(8);
    std::replace(name.begin(), name.end(), '_', '-');
  }
  if (command.rfind("training_", 0) == 0) name = "training-" + command.substr(9);
  if (command.rfind("supervision_", 0) == 0) name = "supervision-" + command.substr(12);
  if (supervision.count(command)) name = "supervision-" + command;
  std::string path = std::string(SCHEMAS_DIR) + "/commands/" + name + ".output.schema.json";
  if (!std::filesystem::exists(path)) return std::nullopt;
  return "commands/" + name + ".output";
}

}  // namespace

void Scenario::start(const std::string& organisation, const json& modules,
                     const std::vector<std::string>& programmes, const std::string& first_day,
                     const std::function<void(json&)>& adjust) {
  organisation_ = organisation;
  host.set_organisation(organisation);
  host.add_adapter("hr", {"read_people", "read_leave", "read_course_completions", "write_actions"},
                   [this](const std::string& c, const std::string& i) { return hr.handle(c, i); });
  json definitions = json::array();
  for (const auto& name : programmes) {
    json definition =
        mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) + "/" + name + ".json");
    if (adjust) adjust(definition);
    definitions.push_back(std::move(definition));
  }
  json config = {{"id", organisation},
                 {"name", organisation},
                 {"modules", modules},
                 {"policy",
                  {{"programme_manager_email", "pm@" + organisation + ".example"},
                   {"timezone", "Europe/London"},
                   {"evaluation_min_group_size", 2}}},
                 {"programmes", definitions},
                 {"adapters", json::array()}};
  config["policy"].update(policy_extra);
  today_ = first_day;
  hr.today = first_day;
  host.set_today(first_day);
  plugin_ = std::make_unique<mentoring::host::ModuleInstance>(
      mentoring::host::ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config.dump());
  json summary = json::parse(plugin_->call("run", "{}"));
  runs_[first_day] = summary;
}

void Scenario::advance_to(const std::string& day) {
  auto target = *parse_date(day);
  for (auto d = *parse_date(today_) + std::chrono::days{1}; d <= target;
       d += std::chrono::days{1}) {
    today_ = format_date(d);
    hr.today = today_;
    host.set_today(today_);
    runs_[today_] = json::parse(plugin_->call("run", "{}"));
  }
}

json Scenario::run_of(const std::string& day) const {
  auto it = runs_.find(day);
  return it == runs_.end() ? json(nullptr) : it->second;
}

json Scenario::command(const std::string& name, const json& input) {
  return checked_output(name, plugin_->call(name, input.dump()));
}

std::string Scenario::member_of(const std::string& role, const json& input) {
  mentoring::store::OrgStore store(host.storage_directory(), organisation_);
  for (const auto& p : store.pairs()) {
    const bool ours = input.contains("pair_id") ? p.id == input["pair_id"].get<std::int64_t>()
                                                : p.mentor_id == input.value("mentor_id", "");
    if (ours) return role == "mentor" ? p.mentor_id : p.mentee_id;
  }
  return "nobody";
}

json Scenario::command_as_member(const std::string& role, const std::string& name,
                                 const json& input) {
  if (role != "mentee" && role != "mentor") {
    json caller = {
        {"organisation", organisation_}, {"role", role}, {"name", role + " of the test"}};
    return checked_output(name, plugin_->call_as(caller.dump(), name, input.dump()));
  }
  const std::string person = member_of(role, input);
  json caller = {
      {"organisation", organisation_}, {"role", role}, {"person_id", person}, {"name", person}};
  return checked_output(name, plugin_->call_as(caller.dump(), name, input.dump()));
}

Answer Scenario::try_command_as_member(const std::string& role, const std::string& name,
                                       const json& input) {
  Answer a;
  try {
    a.output = command_as_member(role, name, input);
    a.ok = true;
  } catch (const mentoring::host::CallError& e) {
    a.status = e.status();
    a.message = e.what();
  }
  return a;
}

json Scenario::checked_output(const std::string& name, const std::string& text) {
  json out = json::parse(text);
  if (auto schema = output_schema(name)) {
    auto problems = mentoring::schema::validate(*schema, out, name);
    EXPECT_TRUE(problems.empty()) << today_ << " " << name << ": "
                                  << (problems.empty() ? "" : problems[0].message());
  }
  return out;
}

Answer Scenario::try_command(const std::string& name, const json& input) {
  Answer a;
  try {
    a.output = command(name, input);
    a.ok = true;
  } catch (const mentoring::host::CallError& e) {
    a.status = e.status();
    a.message = e.what();
  }
  return a;
}

std::vector<Received> Scenario::received(const std::string& person, std::size_t since) const {
  std::vector<Received> out;
  for (std::size_t i = since; i < hr.received.size(); ++i) {
    auto to = recipients(hr.received[i].action);
    if (std::find(to.begin(), to.end(), person) != to.end()) out.push_back(hr.received[i]);
  }
  return out;
}

std::vector<Received> Scenario::received_between(const std::string& person, const std::string& from,
                                                 const std::string& to) const {
  std::vector<Received> out;
  for (const auto& r : received(person)) {
    if (r.day >= from && r.day <= to) out.push_back(r);
  }
  return out;
}

std::vector<std::string> Scenario::year_problems() const {
  std::vector<std::string> problems;
  std::set<std::string> keys;
  for (const auto& r : hr.received) {
    const std::string key = r.action.at("idempotency_key");
    if (!keys.insert(key).second) problems.push_back(r.day + ": " + key + " delivered twice");
  }
  for (const auto& p : hr.people()) {
    if (!p.contains("end_date") || !p["end_date"].is_string()) continue;
    const std::string id = p["id"], left = p["end_date"];
    for (const auto& r : received(id)) {
      if (r.day <= left) continue;
      if (r.type() == "group_membership" && r.action["payload"]["member"] == false) continue;
      problems.push_back(r.day + ": " + r.action.at("idempotency_key").get<std::string>() +
                         " for " + id + ", who left on " + left);
    }
  }
  return problems;
}

std::string Scenario::state_of(const std::string& person, const std::string& programme,
                               const std::string& role) const {
  mentoring::store::OrgStore store(host.storage_directory(), organisation_);
  std::string state = "(none)";
  for (const auto& e : store.enrolments_of(person)) {
    if (std::string(to_string(e.role)) == role && e.programme_id == programme) {
      state = std::string(to_string(e.state));
      if (e.phase) state += "/" + std::string(to_string(*e.phase));
    }
  }
  return state;
}

std::vector<Received> of_type(const std::vector<Received>& list, const std::string& type) {
  std::vector<Received> out;
  for (const auto& r : list) {
    if (r.type() == type) out.push_back(r);
  }
  return out;
}

std::vector<Received> mentioning(const std::vector<Received>& list, const std::string& words) {
  std::vector<Received> out;
  for (const auto& r : list) {
    if (r.words().find(words) != std::string::npos) out.push_back(r);
  }
  return out;
}

std::vector<Received> keyed(const std::vector<Received>& list, const std::string& key_part) {
  std::vector<Received> out;
  for (const auto& r : list) {
    if (r.action.at("idempotency_key").get<std::string>().find(key_part) != std::string::npos)
      out.push_back(r);
  }
  return out;
}

std::string plus_days(const std::string& day, int days) {
  return format_date(*parse_date(day) + std::chrono::days{days});
}

std::vector<Received> session_reminders(const std::vector<Received>& list, std::int64_t pair) {
  std::vector<Received> out;
  for (const auto& r : list) {
    if (r.type() == "reminder" && r.action["payload"].value("pair_id", std::int64_t{0}) == pair)
      out.push_back(r);
  }
  return out;
}

std::vector<Received> surveys(const std::vector<Received>& list, const std::string& survey_id) {
  std::vector<Received> out;
  for (const auto& r : list) {
    if (r.type() == "notify" && r.action["payload"].contains("survey") &&
        r.action["payload"]["survey"]["id"] == survey_id)
      out.push_back(r);
  }
  return out;
}

std::vector<Received> manager_tasks_about_pair(const Scenario& s, std::int64_t pair,
                                               const std::string& from, const std::string& to) {
  std::vector<Received> out;
  for (const auto& r : s.received_between("programme_manager", from, to)) {
    const json& about = r.action["payload"].value("about", json::object());
    if (about.value("pair_id", std::int64_t{0}) == pair) out.push_back(r);
  }
  return out;
}

std::set<std::string> ids_in(const json& rows, const std::string& field) {
  std::set<std::string> out;
  for (const auto& r : rows) out.insert(r[field].get<std::string>());
  return out;
}

void ReplayedYear::record_session(std::int64_t pair, const std::string& day,
                                  const std::string& role,
                                  const std::optional<std::string>& notes) {
  if (pair == 0) return;
  s.advance_to(day);
  json input = {{"pair_id", pair}, {"held_on", day}};
  if (notes) input["notes"] = *notes;
  answers["session " + std::to_string(pair) + " " + day] =
      s.try_command_as_member(role, "session_record", input);
}

std::string describe(const std::vector<Received>& list) {
  std::string out;
  for (const auto& r : list) {
    out += "\n  " + r.day + " " + r.type() + " " +
           r.action.at("idempotency_key").get<std::string>() + " | " +
           r.action["payload"].value("subject", r.action["payload"].value("summary", ""));
  }
  return out.empty() ? " (nothing)" : out;
}

}  // namespace scenario
