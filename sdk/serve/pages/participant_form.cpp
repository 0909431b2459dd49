// What a participant page reads from a request: see participant_form.hpp.
#include "participant_form.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace mentoring::serve::pages::participant {

using json = nlohmann::json;

namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !text.empty();
}

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF):
// the answer goes into JSON, which carries nothing else.
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if ((byte & 0xE0) == 0xC0) {
      length = 2;
      code = byte & 0x1F;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      code = byte & 0x0F;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      code = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    const std::uint32_t smallest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (code < smallest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

std::string field(const Form& form, const std::string& name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

// Leading and trailing white space, which a person never means to send.
std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// An optional free-text field: kept when not blank, an error when too long.
void optional_text(const Form& form, const std::string& name, const std::string& element,
                   const std::string& label, MappedAnswer& mapped) {
  const std::string value = trimmed(field(form, name));
  if (value.empty()) return;
  if (value.size() > kMaxNoteBytes) {
    mapped.errors[element] = label + " is " + std::to_string(value.size()) +
                             " bytes long; it can be at most " + std::to_string(kMaxNoteBytes) +
                             " (about " + std::to_string(kMaxNoteBytes / 6) + " words).";
    return;
  }
  mapped.answer[name] = value;
}

void map_decision(const Form& form, bool invitation, const json& view, MappedAnswer& mapped) {
  mapped.form_id = "answer";
  mapped.field_order = {"", "consent", "goal", "wishes", "reason"};
  for (const char* name : {"consent", "goal", "wishes", "reason"}) {
    mapped.element_of_pointer[std::string("/answer/") + name] = name;
  }
  const std::string decision = field(form, "decision");
  if (decision != "accept" && decision != "decline") {
    mapped.errors[""] = "Choose Accept or Decline.";
    return;
  }
  mapped.answer["decision"] = decision;
  if (decision == "decline") {
    optional_text(form, "reason", "reason", "Your reason", mapped);
    return;
  }
  if (!invitation) return;
  const bool consent = field(form, "consent") == "yes";
  mapped.answer["consent"] = consent;
  if (!consent) {
    mapped.errors["consent"] = "To accept, tick the box to give your consent.";
  }
  if (view.value("asks_goal", false)) {
    optional_text(form, "goal", "goal", "Your mentoring question", mapped);
  }
  if (view.value("asks_wishes", false)) {
    optional_text(form, "wishes", "wishes", "Your wishes", mapped);
  }
}

void map_pair(const Form& form, MappedAnswer& mapped) {
  mapped.field_order = {"",          "meeting-date", "meeting-duration", "meeting-notes",
                        "next-date", "next-time"};
  const std::string action = field(form, "action");
  const std::string date = trimmed(field(form, "date"));
  if (action == "log_meeting") {
    mapped.form_id = "log-meeting";
    mapped.answer["action"] = action;
    mapped.element_of_pointer = {{"/answer/date", "meeting-date"},
                                 {"/answer/duration_minutes", "meeting-duration"},
                                 {"/answer/notes", "meeting-notes"}};
    if (!valid_date(date)) {
      mapped.errors["meeting-date"] = date.empty() ? "Enter the date of the meeting."
                                                   : "Enter the date of the meeting as a real day, "
                                                     "for example 2026-03-14.";
    } else {
      mapped.answer["date"] = date;
    }
    const std::string minutes = trimmed(field(form, "duration_minutes"));
    if (!minutes.empty()) {
      if (!all_digits(minutes) || minutes.size() > 4 || std::stoi(minutes) < 1 ||
          std::stoi(minutes) > 1440) {
        mapped.errors["meeting-duration"] =
            "Enter the length of the meeting in whole minutes, from 1 to 1440.";
      } else {
        mapped.answer["duration_minutes"] = std::stoi(minutes);
      }
    }
    optional_text(form, "notes", "meeting-notes", "Your notes", mapped);
  } else if (action == "move_next") {
    mapped.form_id = "move-next";
    mapped.answer["action"] = action;
    mapped.element_of_pointer = {{"/answer/date", "next-date"},
                                 {"/answer/start_time", "next-time"}};
    if (!valid_date(date)) {
      mapped.errors["next-date"] = date.empty() ? "Enter the new date of the next meeting."
                                                : "Enter the new date as a real day, "
                                                  "for example 2026-03-14.";
    } else {
      mapped.answer["date"] = date;
    }
    const std::string time = trimmed(field(form, "start_time"));
    if (!time.empty()) {
      if (!valid_time(time)) {
        mapped.errors["next-time"] =
            "Enter the start time as hours and minutes, for example 14:30.";
      } else {
        mapped.answer["start_time"] = time;
      }
    }
  } else {
    mapped.form_id = "log-meeting";
    mapped.errors[""] = "Use one of the forms on this page: log a meeting, or move the next one.";
  }
}

// "6", "0", "12.5": a number of at least 0, as the survey's kind "number" takes.
std::optional<json> non_negative_number(const std::string& text) {
  const auto point = text.find('.');
  const std::string whole = text.substr(0, point);
  const std::string fraction = point == std::string::npos ? "" : text.substr(point + 1);
  if (!all_digits(whole) || whole.size() > 9) return std::nullopt;
  if (point == std::string::npos) return json(std::stoll(whole));
  if (!all_digits(fraction) || fraction.size() > 6) return std::nullopt;
  return json(std::stod(whole + "." + fraction));
}

void map_survey(const json& view, const Form& form, MappedAnswer& mapped) {
  mapped.form_id = "survey";
  json answers = json::object();
  const json questions =
      view.contains("survey") ? view["survey"].value("questions", json::array()) : json::array();
  for (const auto& question : questions) {
    const std::string id = question.value("id", "");
    const std::string element = "q-" + id;
    mapped.element_of_pointer["/answer/answers/" + id] = element;
    mapped.field_order.push_back(element);
    const std::string raw = field(form, element);
    const std::string value = trimmed(raw);
    if (value.empty()) {
      // Left out: only where the programme's survey allows it.
      if (!question.value("optional", false)) mapped.errors[element] = "Answer this question.";
      continue;
    }
    const std::string kind = question.value("kind", "");
    if (kind == "scale" || kind == "scale_1_5") {
      const int low = question.value("min", 1), high = question.value("max", 5);
      const bool number = all_digits(value) && value.size() <= 3;
      const int chosen = number ? std::stoi(value) : 0;
      if (!number || chosen < low || chosen > high) {
        mapped.errors[element] =
            "Choose one of " + std::to_string(low) + " to " + std::to_string(high) + ".";
      } else {
        answers[id] = chosen;
      }
    } else if (kind == "yes_no") {
      if (value != "yes" && value != "no") {
        mapped.errors[element] = "Choose yes or no.";
      } else {
        answers[id] = value == "yes";
      }
    } else if (kind == "number") {
      if (auto number = non_negative_number(value)) {
        answers[id] = *number;
      } else {
        mapped.errors[element] = "Enter a number of 0 or more, for example 6.";
      }
    } else if (kind == "choice") {
      const json options = question.value("options", json::array());
      if (std::find(options.begin(), options.end(), json(raw)) == options.end()) {
        mapped.errors[element] = "Choose one of the answers given.";
      } else {
        answers[id] = raw;
      }
    } else {
      if (characters(value) > kMaxTextCharacters) {
        mapped.errors[element] = "Your answer is " + std::to_string(characters(value)) +
                                 " characters long; it can be at most " +
                                 std::to_string(kMaxTextCharacters) + ".";
      } else {
        answers[id] = value;
      }
    }
  }
  mapped.answer["answers"] = std::move(answers);
}

}  // namespace

bool valid_organisation(std::string_view organisation) {
  if (organisation.empty() || organisation.size() > 63 || !is_lower_alnum(organisation[0]))
    return false;
  for (char c : organisation) {
    if (!is_lower_alnum(c) && c != '-') return false;
  }
  return true;
}

bool valid_token(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenBytes) return false;
  for (char c : token) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

std::string describe(FormProblem problem) {
  switch (problem) {
    case FormProblem::too_large:
      return "The form sent is larger than " + std::to_string(kMaxFormBytes / 1024) +
             " KB, more than this page ever sends.";
    case FormProblem::too_many_fields:
      return "The form sent has more than " + std::to_string(kMaxFormFields) +
             " fields, more than this page ever sends.";
    case FormProblem::not_utf8:
      return "The form sent holds text that is not UTF-8.";
  }
  return "The form sent could not be read.";
}

std::optional<FormProblem> parse_form(std::string_view body, Form& form) {
  if (body.size() > kMaxFormBytes) return FormProblem::too_large;
  std::size_t fields = 0;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    if (++fields > kMaxFormFields) return FormProblem::too_many_fields;
    const std::size_t equals = pair.find('=');
    const std::string name = httplib::detail::decode_url(std::string(pair.substr(0, equals)), true);
    const std::string value =
        equals == std::string_view::npos
            ? std::string()
            : httplib::detail::decode_url(std::string(pair.substr(equals + 1)), true);
    if (!valid_utf8(name) || !valid_utf8(value)) return FormProblem::not_utf8;
    form.emplace(name, value);  // the first value of a name wins
  }
  return std::nullopt;
}

MappedAnswer map_answer(const std::string& purpose, const json& view, const Form& form) {
  MappedAnswer mapped;
  if (purpose == "invitation") {
    map_decision(form, true, view, mapped);
  } else if (purpose == "mentor_proposal") {
    map_decision(form, false, view, mapped);
  } else if (purpose == "pair") {
    map_pair(form, mapped);
  } else if (purpose == "survey") {
    map_survey(view, form, mapped);
  } else {
    mapped.errors[""] = "This link's page takes no answer.";
  }
  return mapped;
}

std::string element_for_error(const MappedAnswer& mapped, std::string_view message) {
  // The pointer is a value the plugin's error carries (schema or rule), not a
  // sentence: "/answer/<field>" followed by anything that cannot continue a name.
  auto names = [&](const std::string& pointer) {
    for (std::size_t at = message.find(pointer); at != std::string_view::npos;
         at = message.find(pointer, at + 1)) {
      const std::size_t after = at + pointer.size();
      if (after == message.size()) return true;
      const char c = message[after];
      const bool continues = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                             (c >= '0' && c <= '9') || c == '_' || c == '-';
      if (!continues) return true;
    }
    return false;
  };
  for (const auto& [pointer, element] : mapped.element_of_pointer) {
    if (names(pointer)) return element;
  }
  return "";
}

bool valid_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  if (!all_digits(text.substr(0, 4)) || !all_digits(text.substr(5, 2)) ||
      !all_digits(text.substr(8, 2)))
    return false;
  const std::chrono::year_month_day day{
      std::chrono::year{std::stoi(std::string(text.substr(0, 4)))},
      std::chrono::month{static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2))))},
      std::chrono::day{static_cast<unsigned>(std::stoi(std::string(text.substr(8, 2))))}};
  return day.ok();
}

bool valid_time(std::string_view text) {
  if (text.size() != 5 || text[2] != ':' || !all_digits(text.substr(0, 2)) ||
      !all_digits(text.substr(3, 2)))
    return false;
  return std::stoi(std::string(text.substr(0, 2))) < 24 &&
         std::stoi(std::string(text.substr(3, 2))) < 60;
}

std::size_t characters(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace mentoring::serve::pages::participant
