#include "view.hpp"

namespace mentoring::adapters::smtp {

using nlohmann::json;

const std::vector<std::string> kMailKinds = {
    "invite", "reminder", "notify", "task", "withdraw_invitation", "calendar_event"};

namespace {

json or_false(const json& object, const char* key) {
  if (!object.contains(key) || object[key].is_null()) return false;
  const json& value = object[key];
  if (value.is_number()) return value.dump();
  return value;
}

// Paragraphs of a text (split at blank lines), for the HTML part.
json paragraphs_of(const std::string& text) {
  json out = json::array();
  std::string current;
  std::size_t at = 0;
  auto flush = [&] {
    while (!current.empty() && (current.back() == '\n' || current.back() == ' '))
      current.pop_back();
    if (!current.empty()) out.push_back(current);
    current.clear();
  };
  while (at <= text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      flush();
    } else {
      current += line + "\n";
    }
    at = end + 1;
  }
  flush();
  return out;
}

json person_of(const json& payload, const char* key) {
  if (!payload.contains(key) || !payload[key].is_object()) return false;
  const json& p = payload[key];
  return {{"person_id", p.value("person_id", "")},
          {"name", p.value("name", p.value("person_id", ""))}};
}

}  // namespace

json view_of(const json& action, const Recipient& to, const ViewContext& c) {
  const std::string kind = action["type"];
  const json& payload = action["payload"];
  json view = {
      {"kind", kind},
      {"organisation", c.organisation},
      {"sender",
       {{"name", c.from_name.empty() ? c.from_address : c.from_name}, {"address", c.from_address}}},
      {"to", {{"name", to.name}, {"person_id", to.person_id}, {"email", to.address}}},
      {"programme", false},
      {"link", false},
      {"logo", false}};
  if (payload.contains("programme") && payload["programme"].is_object()) {
    view["programme"] = {{"id", payload["programme"].value("id", "")},
                         {"name", payload["programme"].value("name", "")}};
  }
  if (!c.logo_src.empty()) view["logo"] = {{"src", c.logo_src}, {"alt", view["sender"]["name"]}};
  // The link this recipient may follow. A calendar event goes to several people,
  // and a link acts as the one person it names: each attendee gets their own
  // (attendees[].link), and the event's own link only when it has one attendee.
  json own_link = payload.contains("link") ? payload["link"] : json(nullptr);
  if (kind == "calendar_event" && payload.contains("attendees") &&
      payload["attendees"].is_array()) {
    const json& attendees = payload["attendees"];
    bool any_own = false;
    for (const auto& a : attendees) any_own = any_own || (a.is_object() && a.contains("link"));
    if (any_own || attendees.size() != 1) own_link = nullptr;
    for (const auto& a : attendees) {
      if (a.is_object() && a.contains("link") && a.value("person_id", "") == to.person_id)
        own_link = a["link"];
    }
  }
  if (own_link.is_object() && !c.links_base_url.empty()) {
    const json& link = own_link;
    std::string purpose = link.value("purpose", "");
    view["link"] = {
        {"url", c.links_base_url + "/l/" + c.organisation + "/" + link.value("token", "")},
        {"purpose", purpose},
        {"expires_on", link.value("expires_on", "")},
        {"is_invitation", purpose == "invitation"},
        {"is_mentor_proposal", purpose == "mentor_proposal"},
        {"is_pair", purpose == "pair"},
        {"is_survey", purpose == "survey"}};
  }
  std::string text;
  if (kind == "invite" || kind == "reminder" || kind == "notify" || kind == "task") {
    view["subject"] = payload["subject"];
    text = payload["text"];
  }
  if (kind == "invite") {
    std::string role = payload["role"];
    view["role"] = role;
    view["is_mentee"] = role == "mentee";
    view["is_mentor"] = role == "mentor";
    view["respond_by"] = payload["respond_by"];
    view["leave"] = payload.contains("leave") ? json{{"id", payload["leave"]["id"]},
                                                     {"type", payload["leave"]["type"]},
                                                     {"start", payload["leave"]["start"]}}
                                              : json(false);
  } else if (kind == "reminder") {
    for (const char* key : {"role", "reason", "due_by", "due_on", "pair_id", "course_id"})
      view[key] = or_false(payload, key);
  } else if (kind == "notify") {
    for (const char* key : {"from", "mentee", "mentor"}) view[key] = person_of(payload, key);
    view["survey"] = payload.contains("survey") ? json{{"id", payload["survey"]["id"]},
                                                       {"name", payload["survey"]["name"]}}
                                                : json(false);
  } else if (kind == "task") {
    std::string role = payload["to"]["role"];
    view["role"] = role;
    view["is_programme_manager"] = role == "programme_manager";
    view["is_line_manager"] = role == "line_manager";
  } else if (kind == "withdraw_invitation") {
    view["reason"] = payload["reason"];
    view["invitation_key"] = payload["invitation_key"];
    text = payload["reason"];
  } else if (kind == "calendar_event") {
    for (const char* key : {"summary", "description", "date", "timezone", "method", "sequence"})
      view[key] = payload[key].is_number() ? json(payload[key].dump()) : payload[key];
    for (const char* key : {"start_time", "duration_minutes", "location", "phase"})
      view[key] = or_false(payload, key);
    view["event_kind"] = payload["kind"];
    view["is_cancel"] = payload["method"] == "CANCEL";
    view["is_request"] = payload["method"] != "CANCEL";
    view["has_ics"] = payload.contains("ics");
    std::string when = payload["date"].get<std::string>();
    if (payload["start_time"].is_string()) {
      when += " " + payload["start_time"].get<std::string>() + " (" +
              payload["timezone"].get<std::string>() + ")";
      if (payload["duration_minutes"].is_number())
        when += ", " + payload["duration_minutes"].dump() + " minutes";
    } else {
      when += " (all day)";
    }
    view["when"] = when;
    text = payload["description"];
  }
  view["text"] = text;
  view["paragraphs"] = paragraphs_of(text);
  return view;
}

json example_action(const std::string& kind, bool full) {
  json to = {{"person_id", "E1"}, {"name", "Ada Example"}, {"email", "ada@example.org"}};
  json programme = {{"id", "return-to-work"}, {"name", "Return to work"}};
  json link = {{"purpose", "invitation"}, {"token", "abc.def"}, {"expires_on", "2027-01-05"}};
  json payload;
  if (kind == "invite") {
    payload = {{"to", to},         {"role", "mentee"},       {"subject", "s"},
               {"text", "t\n\nu"}, {"programme", programme}, {"respond_by", "2027-01-01"}};
    if (full) {
      payload["leave"] = {{"id", "L1"}, {"type", "maternity"}, {"start", "2026-01-01"}};
      payload["link"] = link;
    }
  } else if (kind == "reminder") {
    payload = {{"to", to}, {"subject", "s"}, {"text", "t"}};
    if (full) {
      payload.update({{"programme", programme},
                      {"role", "mentee"},
                      {"reason", "r"},
                      {"due_by", "2027-01-01"},
                      {"pair_id", 3},
                      {"due_on", "2027-01-01"},
                      {"course_id", "C1"},
                      {"link", link}});
    }
  } else if (kind == "notify") {
    payload = {{"to", to}, {"subject", "s"}, {"text", "t"}};
    if (full) {
      payload.update({{"from", to},
                      {"mentee", to},
                      {"mentor", to},
                      {"survey", {{"id", "S"}, {"name", "N"}, {"questions", json::array()}}},
                      {"token", "tok"},
                      {"link", link}});
    }
  } else if (kind == "task") {
    payload = {{"to", {{"role", "programme_manager"}, {"email", "pm@example.org"}}},
               {"subject", "s"},
               {"text", "t"}};
  } else if (kind == "withdraw_invitation") {
    payload = {{"reason", "r"},
               {"programme", programme},
               {"invitation_key", "invite/org/return-to-work/E1/L1"}};
  } else if (kind == "calendar_event") {
    payload = {{"uid", "u"},
               {"sequence", 0},
               {"method", "REQUEST"},
               {"kind", "pair_session"},
               {"summary", "s"},
               {"description", "d"},
               {"date", "2027-01-01"},
               {"start_time", nullptr},
               {"duration_minutes", nullptr},
               {"timezone", "Europe/London"},
               {"location", nullptr},
               {"attendees", json::array({to})}};
    if (full) {
      payload.update({{"start_time", "10:00"},
                      {"duration_minutes", 60},
                      {"location", "Room 1"},
                      {"phase", "p"},
                      {"ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"},
                      {"link", link}});
    }
  }
  return {{"idempotency_key", kind + "/example/key"},
          {"type", kind},
          {"organisation", "example"},
          {"person_id", "E1"},
          {"programme_id", "return-to-work"},
          {"created_at", "2027-01-01T00:00:00Z"},
          {"payload", payload}};
}

}  // namespace mentoring::adapters::smtp
