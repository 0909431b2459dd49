// Participant pages, opened from a signed link in an email: see pages.hpp.
//
//   GET  /l/{org}/{token}[?done=<outcome>]  link_open, rendered per purpose
//   POST /l/{org}/{token}                   a form -> link_act's answer -> 303 to the GET
//
// Both commands run as host::Caller{org, system, "", "link"}: the link's token
// is the only credential, and the plugin decides what it opens
// (issue15-contract.md). The page adds no rule; it checks only what it can
// show beside a field (a missing consent, a date that is no day) before sending.
//
// The token is a credential: it never reaches a log line (messages are
// redacted), a metric (route_of gives the template) or a Referer (send_page's
// Referrer-Policy).
#include "../guarded_server.hpp"
#include "pages.hpp"
#include "participant_form.hpp"
#include "participant_templates.hpp"

#include <mentoring/host/org_lock.hpp>
#include <mentoring/host/runtime.hpp>

#include <spdlog/spdlog.h>
#include <kainjow/mustache.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace mentoring::serve::pages {

namespace {

using json = nlohmann::json;
using Data = kainjow::mustache::data;
using participant::Form;
using participant::MappedAnswer;

// Everything under /l/, so a link cut short or with a stray '/' still gets the
// clear page of a malformed link rather than the API's "no route".
constexpr const char* kLinkPath = R"(/l/(.*))";
constexpr int kBusyRetryAfterSeconds = 5;

struct Link {
  std::string organisation, token;
  std::string path() const { return "/l/" + organisation + "/" + token; }
};

// "/l/{org}/{token}": the organisation up to the first '/', the token after it.
Link link_of(const httplib::Request& req) {
  const std::string rest = req.matches[1].str();
  const auto slash = rest.find('/');
  if (slash == std::string::npos) return {rest, ""};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

// ---- rendering --------------------------------------------------------------

// A template with its partials; `result` is the notice of what was just done ("" for none).
std::string render(const char* text, Data data, const std::string& result = "") {
  kainjow::mustache::mustache body{text};
  if (!body.is_valid()) {
    throw std::logic_error("participant page template: " + body.error_message());
  }
  data.set("error_summary", kainjow::mustache::partial(
                                [] { return std::string(participant::templates::kErrorSummary); }));
  data.set("result",
           kainjow::mustache::partial([] { return std::string(participant::templates::kResult); }));
  data.set("result_text", result.empty() ? Data(false) : Data(result));
  return body.render(data);
}

// "2026-12-07" -> "7 December 2026"; anything else as it is.
std::string human_date(const std::string& iso) {
  static constexpr std::array<const char*, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  if (!participant::valid_date(iso)) return iso;
  const int month = std::stoi(iso.substr(5, 2));
  return std::to_string(std::stoi(iso.substr(8, 2))) + " " + kMonths[month - 1] + " " +
         iso.substr(0, 4);
}

Data date_data(const std::string& iso) {
  Data d;
  d.set("iso", iso);
  d.set("human", human_date(iso));
  return d;
}

std::string text_of(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// An optional date of the view: a {iso, human} section, or false.
Data optional_date(const json& object, const char* key) {
  const std::string iso = text_of(object, key);
  return iso.empty() ? Data(false) : date_data(iso);
}

Data optional_text(const std::string& text) {
  return text.empty() ? Data(false) : Data(text);
}

// What a form field holds on the page: its value (kept after an error) and its error.
Data field(const Form& form, const std::string& name, const std::string& element,
           const std::map<std::string, std::string>& errors) {
  Data d;
  auto value = form.find(name);
  d.set("value", value == form.end() ? std::string() : value->second);
  auto error = errors.find(element);
  if (error != errors.end()) d.set("field_error", error->second);
  return d;
}

// "availability_overlap" -> "Availability overlap".
std::string criterion_words(std::string criterion) {
  for (char& c : criterion) {
    if (c == '_') c = ' ';
  }
  if (!criterion.empty() && criterion[0] >= 'a' && criterion[0] <= 'z') criterion[0] -= 'a' - 'A';
  return criterion;
}

// What was done, in words: from the outcome (an enum), never from the request.
std::string outcome_words(const std::string& outcome) {
  if (outcome == "accepted") return "You accepted. Thank you.";
  if (outcome == "declined") return "You declined. Thank you for letting us know.";
  if (outcome == "logged") return "Your meeting was logged.";
  if (outcome == "moved") return "The next meeting was moved.";
  if (outcome == "answered") return "Thank you. Your answers were saved, without your name.";
  return "";
}

// "It was used to ..." (a spent single-use link).
std::string used_for(const std::string& outcome) {
  if (outcome == "accepted") return "accept";
  if (outcome == "declined") return "decline";
  if (outcome == "answered") return "answer the survey";
  if (outcome == "logged") return "log a meeting";
  if (outcome == "moved") return "move the next meeting";
  return "give an answer (" + outcome + ")";
}

// What the page knows of a form after it was sent: the values (kept) and the errors.
struct Submitted {
  Form form;
  MappedAnswer mapped;
  std::vector<std::string> general_errors;  // not tied to a field
};

// The summary at the top: each error linked to its field.
void add_errors(Data& data, const Submitted* submitted) {
  Data list{Data::type::list};
  bool any = false;
  if (submitted) {
    for (const auto& words : submitted->general_errors) {
      Data item;
      item.set("text", words);
      item.set("has_href", false);
      list.push_back(item);
      any = true;
    }
    // In the order of the fields on the page, then any the page does not know.
    std::vector<std::pair<std::string, std::string>> ordered;
    for (const auto& element : submitted->mapped.field_order) {
      auto error = submitted->mapped.errors.find(element);
      if (error != submitted->mapped.errors.end()) ordered.push_back(*error);
    }
    for (const auto& error : submitted->mapped.errors) {
      if (std::find(submitted->mapped.field_order.begin(), submitted->mapped.field_order.end(),
                    error.first) == submitted->mapped.field_order.end()) {
        ordered.push_back(error);
      }
    }
    for (const auto& [element, words] : ordered) {
      Data item;
      item.set("text", words);
      item.set("has_href", !element.empty());
      if (!element.empty()) item.set("href", "#" + element);
      list.push_back(item);
      any = true;
    }
  }
  data.set("has_errors", any);
  data.set("error_list", list);
}

Data invitation_data(const json& opened, const Form& form,
                     const std::map<std::string, std::string>& errors) {
  const json& view = opened["view"];
  Data d;
  d.set("person_name", optional_text(text_of(opened.value("person", json::object()), "name")));
  d.set("programme_name", text_of(view.value("programme", json::object()), "name"));
  d.set("role_words", text_of(view, "role") == "mentor" ? "mentor" : "mentee");
  d.set("respond_by", optional_date(view, "respond_by"));
  d.set("consent_text", text_of(view, "consent_text"));
  Data consent = field(form, "consent", "consent", errors);
  consent.set("checked", form.count("consent") > 0 && form.at("consent") == "yes");
  d.set("consent", consent);
  d.set("asks_goal", view.value("asks_goal", false));
  d.set("asks_wishes", view.value("asks_wishes", false));
  d.set("goal", field(form, "goal", "goal", errors));
  d.set("wishes", field(form, "wishes", "wishes", errors));
  d.set("reason", field(form, "reason", "reason", errors));
  d.set("expires_on", optional_date(opened, "expires_on"));
  return d;
}

Data mentor_proposal_data(const json& opened, const Form& form,
                          const std::map<std::string, std::string>& errors) {
  const json& view = opened["view"];
  const json mentee = view.value("mentee", json::object());
  Data d;
  d.set("person_name", optional_text(text_of(opened.value("person", json::object()), "name")));
  d.set("programme_name", text_of(view.value("programme", json::object()), "name"));
  d.set("mentee_name", text_of(mentee, "name"));
  d.set("mentee_goal", optional_text(text_of(mentee, "goal")));
  Data explanation{Data::type::list};
  bool any = false;
  for (const auto& row : view.value("explanation", json::array())) {
    Data item;
    item.set("criterion", criterion_words(text_of(row, "criterion")));
    item.set("words", text_of(row, "words"));
    explanation.push_back(item);
    any = true;
  }
  d.set("explanation", explanation);
  d.set("has_explanation", any);
  d.set("respond_by", optional_date(view, "respond_by"));
  d.set("reason", field(form, "reason", "reason", errors));
  d.set("expires_on", optional_date(opened, "expires_on"));
  return d;
}

Data pair_data(const json& opened, const Form& form, const std::string& form_id,
               const std::map<std::string, std::string>& errors) {
  const json& view = opened["view"];
  const std::string me = text_of(view, "me");
  const json other = view.value("other", json::object());
  const std::string other_name = text_of(other, "name");
  Data d;
  d.set("programme_name", text_of(view.value("programme", json::object()), "name"));
  d.set("other_name", other_name);
  d.set("other_role", me == "mentor" ? "mentee" : "mentor");
  d.set("other_email", optional_text(text_of(other, "email")));
  const json next = view.value("next_meeting", json());
  if (next.is_object() && !text_of(next, "date").empty()) {
    Data meeting = date_data(text_of(next, "date"));
    meeting.set("time", optional_text(text_of(next, "start_time")));
    d.set("next_meeting", meeting);
  } else {
    d.set("next_meeting", false);
  }
  d.set("goal", optional_text(text_of(view, "goal")));
  d.set("goal_heading", me == "mentor" ? other_name + "'s goal" : std::string("Your goal"));
  Data notes{Data::type::list};
  bool any_note = false;
  for (const auto& note : view.value("notes", json::array())) {
    Data item = date_data(text_of(note, "date"));
    item.set("by", text_of(note, "by") == me ? "you" : other_name);
    item.set("text", text_of(note, "text"));
    notes.push_back(item);
    any_note = true;
  }
  d.set("notes", notes);
  d.set("has_notes", any_note);
  Data meetings{Data::type::list};
  bool any_meeting = false;
  for (const auto& meeting : view.value("meetings", json::array())) {
    Data item = date_data(text_of(meeting, "date"));
    const json minutes = meeting.value("duration_minutes", json());
    item.set("duration", minutes.is_number_integer()
                             ? std::to_string(minutes.get<long long>()) + " minutes"
                             : std::string("not recorded"));
    meetings.push_back(item);
    any_meeting = true;
  }
  d.set("meetings", meetings);
  d.set("has_meetings", any_meeting);
  // Both forms post `date`: the values go back to the form that was sent.
  const Form none;
  const Form& logged = form_id == "log-meeting" ? form : none;
  const Form& moved = form_id == "move-next" ? form : none;
  d.set("meeting_date", field(logged, "date", "meeting-date", errors));
  d.set("meeting_duration", field(logged, "duration_minutes", "meeting-duration", errors));
  d.set("meeting_notes", field(logged, "notes", "meeting-notes", errors));
  d.set("next_date", field(moved, "date", "next-date", errors));
  d.set("next_time", field(moved, "start_time", "next-time", errors));
  d.set("expires_on", optional_date(opened, "expires_on"));
  return d;
}

Data survey_data(const json& opened, const Form& form,
                 const std::map<std::string, std::string>& errors) {
  const json& view = opened["view"];
  const json survey = view.value("survey", json::object());
  Data d;
  d.set("programme_name", text_of(view.value("programme", json::object()), "name"));
  Data questions{Data::type::list};
  for (const auto& question : survey.value("questions", json::array())) {
    const std::string element = "q-" + text_of(question, "id");
    const std::string kind = text_of(question, "kind");
    const bool scale = kind == "scale" || kind == "scale_1_5";
    Data q = field(form, element, element, errors);
    q.set("element", element);
    q.set("text", text_of(question, "text"));
    q.set("optional", question.value("optional", false));
    q.set("is_group", scale || kind == "yes_no" || kind == "choice");
    q.set("is_number", kind == "number");
    q.set("is_text", !scale && kind != "yes_no" && kind != "choice" && kind != "number");
    q.set("stacked", kind == "choice");
    auto chosen = form.find(element);
    Data options{Data::type::list};
    auto option = [&](const std::string& id, const std::string& value, const std::string& label) {
      Data o;
      o.set("input_id", element + "-" + id);
      o.set("value", value);
      o.set("label", label);
      o.set("checked", chosen != form.end() && chosen->second == value);
      options.push_back(o);
    };
    if (scale) {
      const int low = question.value("min", 1), high = question.value("max", 5);
      q.set("hint",
            "From " + std::to_string(low) + " (lowest) to " + std::to_string(high) + " (highest).");
      // A scale from the programme's definition: a handful of points, never thousands.
      for (int point = low; point <= high && point - low < 20; ++point) {
        option(std::to_string(point), std::to_string(point), std::to_string(point));
      }
    } else if (kind == "yes_no") {
      q.set("hint", "Yes or no.");
      option("yes", "yes", "Yes");
      option("no", "no", "No");
    } else if (kind == "choice") {
      q.set("hint", "Choose one.");
      int index = 0;
      for (const auto& text : question.value("options", json::array())) {
        if (!text.is_string()) continue;
        option(std::to_string(++index), text.get<std::string>(), text.get<std::string>());
      }
    } else if (kind == "number") {
      q.set("hint", "A number of 0 or more, for example 6.");
    }
    q.set("options", options);
    questions.push_back(q);
  }
  d.set("questions", questions);
  return d;
}

// ---- the pages ----------------------------------------------------------------

int status_of(const std::string& reason) {
  if (reason == "expired" || reason == "used" || reason == "withdrawn" || reason == "gone")
    return 410;
  return 404;
}

std::string heading_of(const std::string& reason) {
  if (reason == "expired") return "This link has expired";
  if (reason == "used") return "This link has already been used";
  if (reason == "withdrawn") return "This invitation was withdrawn";
  if (reason == "gone") return "This is no longer available";
  if (reason == "other_organisation") return "This link is not for this organisation";
  if (reason == "malformed") return "This link is incomplete";
  return "This link is not valid";
}

// A link link_open (or link_act) turned down, or one the page could not read.
void send_invalid(httplib::Response& res, const json& refusal) {
  const std::string reason = refusal.value("reason", "forged");
  std::string words = text_of(refusal, "words");
  if (words.empty()) {
    words = reason == "malformed" ? "The address of this page is not a whole link. Open the link "
                                    "from your email again, or copy all of it."
                                  : "This link cannot be used.";
  }
  Data d;
  d.set("reason", reason);
  d.set("words", words);
  const std::string outcome = text_of(refusal, "outcome"), on = text_of(refusal, "on");
  if (reason == "used" && !outcome.empty()) {
    d.set("used_words", "It was used to " + used_for(outcome) +
                            (on.empty() ? std::string() : " on " + human_date(on)) + ".");
  } else {
    d.set("used_words", false);
  }
  d.set("advice", "If you still need to answer, ask your programme's HR team for a new link.");
  Page page;
  page.title = heading_of(reason);
  page.status = status_of(reason);
  page.body_html = render(participant::templates::kInvalid, d);
  send_page(res, page);
}

void send_message(httplib::Response& res, int status, const std::string& title,
                  const std::string& id, const std::string& words, const std::string& advice) {
  Data d;
  d.set("id", id);
  d.set("words", words);
  d.set("advice", advice);
  Page page;
  page.title = title;
  page.status = status;
  page.body_html = render(participant::templates::kMessage, d);
  send_page(res, page);
}

void send_busy(httplib::Response& res) {
  res.set_header("Retry-After", std::to_string(kBusyRetryAfterSeconds));
  send_message(res, 503, "Please try again in a moment", "unavailable",
               "The programme is busy just now and could not open this link. Nothing was changed.",
               "Reload this page in a few seconds.");
}

void send_failure(httplib::Response& res) {
  send_message(res, 500, "Something went wrong", "unavailable",
               "This page could not be shown because of a fault on our side. Nothing was changed.",
               "Please try again later. If it keeps happening, tell your programme's HR team.");
}

class ParticipantPages {
 public:
  explicit ParticipantPages(const PageContext& context)
      : handlers_(context.handlers), served_over_tls_(context.settings.tls.has_value()) {}

  void get(const httplib::Request& req, httplib::Response& res) const {
    const Link link = link_of(req);
    if (!readable(link)) return send_invalid(res, json{{"reason", "malformed"}});
    json opened;
    if (!open(link, res, opened)) return;
    const std::string done = req.has_param("done") ? req.get_param_value("done") : "";
    if (!opened.value("valid", false)) {
      // A single-use link just used: the result of what the person did, told
      // from what the plugin recorded, not from the address.
      if (!done.empty() && opened.value("reason", "") == "used") {
        return send_thanks(res, opened);
      }
      return send_invalid(res, opened);
    }
    std::string result = outcome_words(done);
    show(res, link, opened, nullptr, result, 200);
  }

  void post(const httplib::Request& req, httplib::Response& res,
            const httplib::ContentReader& content_reader) const {
    const Link link = link_of(req);
    // Whatever is refused before the body is read closes the connection after the answer.
    auto refuse_unread = [&](int status, const std::string& title, const std::string& words) {
      detail::close_after_this_request();
      res.set_header("Connection", "close");
      send_message(res, status, title, "refused", words,
                   "Open the link from your email again and send the form from that page.");
    };
    if (!pages::same_origin(req, served_over_tls_)) {
      return refuse_unread(403, "This form was not sent from its page",
                           "The answer came from another website, so it was not accepted. "
                           "Nothing was changed.");
    }
    if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
      return refuse_unread(415, "This form could not be read",
                           "The answer was not sent as a web form. Nothing was changed.");
    }
    const std::string length = req.get_header_value("Content-Length");
    if (req.has_header("Transfer-Encoding") || length.empty() ||
        length.find_first_not_of("0123456789") != std::string::npos) {
      return refuse_unread(411, "This form could not be read",
                           "The answer came without its length, which a web form always sends. "
                           "Nothing was changed.");
    }
    if (length.size() > 12 || std::stoull(length) > participant::kMaxFormBytes) {
      return refuse_unread(
          413, "This form is too large",
          participant::describe(participant::FormProblem::too_large) + " Nothing was changed.");
    }
    std::string body;
    const bool read_whole = content_reader([&](const char* data, std::size_t size) {
      if (body.size() + size > participant::kMaxFormBytes) return false;
      body.append(data, size);
      return true;
    });
    if (!read_whole) {
      return refuse_unread(
          413, "This form is too large",
          participant::describe(participant::FormProblem::too_large) + " Nothing was changed.");
    }
    Submitted submitted;
    if (auto problem = participant::parse_form(body, submitted.form)) {
      return send_message(res, *problem == participant::FormProblem::not_utf8 ? 400 : 413,
                          "This form could not be read", "refused",
                          participant::describe(*problem) + " Nothing was changed.",
                          "Open the link from your email again and send the form from that page.");
    }
    if (!readable(link)) return send_invalid(res, json{{"reason", "malformed"}});
    json opened;
    if (!open(link, res, opened)) return;
    if (!opened.value("valid", false)) return send_invalid(res, opened);
    const std::string purpose = opened.value("purpose", "");
    submitted.mapped =
        participant::map_answer(purpose, opened.value("view", json::object()), submitted.form);
    if (!submitted.mapped.errors.empty()) return show(res, link, opened, &submitted, "", 400);
    json acted;
    try {
      acted =
          run(link, "link_act", json{{"token", link.token}, {"answer", submitted.mapped.answer}});
    } catch (const host::CommandInputError& e) {
      return refused_answer(res, link, opened, submitted, e.what(), 400);
    } catch (const host::PermissionError& e) {
      return refused_answer(res, link, opened, submitted, e.what(), 403);
    } catch (const host::BusyError&) {
      submitted.general_errors.push_back(
          "The programme was busy and could not take your answer. Please send it again in a "
          "moment.");
      res.set_header("Retry-After", std::to_string(kBusyRetryAfterSeconds));
      return show(res, link, opened, &submitted, "", 503);
    } catch (const host::NotFoundError&) {
      return send_invalid(res, json{{"reason", "gone"}});
    } catch (const std::exception& e) {
      log_failure(link, "link_act", e.what());
      return send_failure(res);
    }
    if (!acted.value("done", false)) return send_invalid(res, acted);
    const std::string outcome = acted.value("outcome", "");
    res.status = 303;
    res.set_header(
        "Location",
        link.path() + "?done=" + (outcome_words(outcome).empty() ? std::string("done") : outcome));
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
  }

 private:
  static bool readable(const Link& link) {
    return participant::valid_organisation(link.organisation) &&
           participant::valid_token(link.token);
  }

  json run(const Link& link, const std::string& command, const json& input) const {
    const host::Caller caller{link.organisation, host::Role::system, "", "link"};
    return handlers_.command(caller, command, input);
  }

  // link_open; false when the page was already answered (an error).
  bool open(const Link& link, httplib::Response& res, json& opened) const {
    try {
      opened = run(link, "link_open", json{{"token", link.token}});
      if (!opened.is_object()) throw std::runtime_error("link_open answered no object");
      return true;
    } catch (const host::CommandInputError&) {
      send_invalid(res, json{{"reason", "malformed"}});
    } catch (const host::BusyError&) {
      send_busy(res);
    } catch (const host::NotFoundError&) {
      send_invalid(res, json{{"reason", "other_organisation"}});
    } catch (const std::invalid_argument&) {  // no such organisation on this server
      send_invalid(res, json{{"reason", "other_organisation"}});
    } catch (const std::exception& e) {
      log_failure(link, "link_open", e.what());
      send_failure(res);
    }
    return false;
  }

  // The token is a credential: a log line names the organisation and the command only.
  static void log_failure(const Link& link, const std::string& command, std::string what) {
    for (auto at = what.find(link.token); !link.token.empty() && at != std::string::npos;
         at = what.find(link.token, at)) {
      what.replace(at, link.token.size(), "<link token>");
    }
    if (auto logger = spdlog::get("mentoring")) {
      logger->error("[{}] serve: participant page: {} failed: {}", link.organisation, command,
                    what);
    }
  }

  void refused_answer(httplib::Response& res, const Link& link, const json& opened,
                      Submitted& submitted, const std::string& message, int status) const {
    // One problem a line (a survey's answers are checked together): each beside its field.
    std::size_t start = 0;
    while (start <= message.size()) {
      std::size_t end = message.find('\n', start);
      if (end == std::string::npos) end = message.size();
      const std::string line = message.substr(start, end - start);
      start = end + 1;
      if (line.empty()) continue;
      const std::string element = participant::element_for_error(submitted.mapped, line);
      if (!element.empty() && !submitted.mapped.errors.count(element)) {
        submitted.mapped.errors[element] = line;
      } else {
        submitted.general_errors.push_back(line);
      }
    }
    show(res, link, opened, &submitted, "", status);
  }

  static void send_thanks(httplib::Response& res, const json& refusal) {
    std::string words = outcome_words(text_of(refusal, "outcome"));
    if (words.empty()) words = "Your answer was recorded.";
    const std::string on = text_of(refusal, "on");
    if (!on.empty()) words += " Recorded on " + human_date(on) + ".";
    Page page;
    page.title = "Thank you";
    page.body_html = render(participant::templates::kThanks, Data(), words);
    send_page(res, page);
  }

  // The page of a valid link, with what was sent and its errors when it was refused.
  void show(httplib::Response& res, const Link& link, const json& opened,
            const Submitted* submitted, const std::string& result, int status) const {
    const std::string purpose = opened.value("purpose", "");
    const Form none;
    const Form& form = submitted ? submitted->form : none;
    static const std::map<std::string, std::string> kNoErrors;
    const auto& errors = submitted ? submitted->mapped.errors : kNoErrors;
    Page page;
    page.status = status;
    Data data;
    const char* text = nullptr;
    try {
      const json view = opened.value("view", json::object());
      if (purpose == "invitation") {
        data = invitation_data(opened, form, errors);
        text = participant::templates::kInvitation;
        page.title =
            "Your invitation to " + text_of(view.value("programme", json::object()), "name");
      } else if (purpose == "mentor_proposal") {
        data = mentor_proposal_data(opened, form, errors);
        text = participant::templates::kMentorProposal;
        page.title = "A mentee proposed to you";
      } else if (purpose == "pair") {
        data = pair_data(opened, form, submitted ? submitted->mapped.form_id : "", errors);
        text = participant::templates::kPair;
        page.title = "Your mentoring with " + text_of(view.value("other", json::object()), "name");
      } else if (purpose == "survey") {
        data = survey_data(opened, form, errors);
        text = participant::templates::kSurvey;
        const std::string title = text_of(view.value("survey", json::object()), "title");
        page.title = title.empty() ? "Survey" : title;
      } else {
        throw std::runtime_error("link_open answered purpose \"" + purpose.substr(0, 40) +
                                 "\", which no page shows");
      }
    } catch (const json::exception& e) {
      log_failure(link, "link_open", std::string("its answer could not be shown: ") + e.what());
      return send_failure(res);
    } catch (const std::runtime_error& e) {
      log_failure(link, "link_open", e.what());
      return send_failure(res);
    }
    data.set("action", link.path());
    add_errors(data, submitted);
    if (submitted && (!submitted->mapped.errors.empty() || !submitted->general_errors.empty())) {
      page.title = "Error: " + page.title;  // the first words a screen reader says
    }
    page.body_html = render(text, data, result);
    send_page(res, page);
  }

  const ApiHandlers& handlers_;
  const bool served_over_tls_;
};

}  // namespace

void register_participant_pages(httplib::Server& server, const PageContext& context) {
  auto pages = std::make_shared<ParticipantPages>(context);
  server.Get(kLinkPath, [pages](const httplib::Request& req, httplib::Response& res) {
    pages->get(req, res);
  });
  server.Post(kLinkPath,
              [pages](const httplib::Request& req, httplib::Response& res,
                      const httplib::ContentReader& reader) { pages->post(req, res, reader); });
}

}  // namespace mentoring::serve::pages
