// HR pages after a token login: see pages.hpp and sdk/serve/README.md.
//
//   GET/POST /hr/{org}/login      the API token (as `token create` issues it) -> a session cookie
//   POST     /hr/{org}/logout
//   GET      /hr/{org}/            programme_overview
//   GET/POST /hr/{org}/proposals   pairing_proposals; pairing_accept / pairing_lock /
//   pairing_forbid GET/POST /hr/{org}/supervision supervision_sessions; supervision_attendance GET
//   /hr/{org}/evaluation  evaluation_report (bar charts as inline SVG beside the tables)
//   ?format=csv&table=<name>       any table of a page as CSV
//
// Every page's data is a command run as the logged-in caller (the token's
// role, re-authenticated on each request), so the plugin's permissions and its
// audit log apply as they do to the API; the pages add no rule of their own.
#include "pages.hpp"

#include "charts.hpp"
#include "hr_session.hpp"
#include "hr_table.hpp"
#include "hr_templates.hpp"

#include <mentoring/host/org_lock.hpp>
#include <mentoring/host/runtime.hpp>
#include <mentoring/loader.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

namespace mentoring::serve::pages {

namespace {

using json = nlohmann::json;
using hr::Data;

constexpr const char* kOrg = "([a-z0-9][a-z0-9-]{0,62})";
constexpr std::size_t kMaxTokenBytes = 512;
constexpr int kBusyRetryAfterSeconds = 5;

// ---- small helpers ----------------------------------------------------------

std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  if (value.is_number()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f", value.get<double>());
    return buffer;
  }
  return "";
}

std::string field(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  return text_of(object[key]);
}

const json& member(const json& object, const char* key) {
  static const json kNull;
  if (!object.is_object() || !object.contains(key)) return kNull;
  return object[key];
}

const json& list(const json& object, const char* key) {
  static const json kEmpty = json::array();
  const json& value = member(object, key);
  return value.is_array() ? value : kEmpty;
}

Cell number_cell(const json& value) {
  return Cell{text_of(value), value.is_number()};
}

std::string words_of(std::string value) {
  std::replace(value.begin(), value.end(), '_', ' ');
  return value;
}

std::string percent(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f %%", share * 100);
  return buffer;
}

std::string decimal(double value, int places) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", places, value);
  return buffer;
}

std::string suppressed(const json& object) {
  const std::string why = field(object, "not_shown");
  return why.empty() ? "suppressed" : "suppressed: " + why;
}

std::string cookie_name(const std::string& org) {
  return "mentoring_hr_" + org;
}

std::optional<std::string> cookie(const httplib::Request& req, const std::string& name) {
  const auto range = req.headers.equal_range("Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      const auto end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const auto equals = pair.find('=');
      if (equals != std::string_view::npos && pair.substr(0, equals) == name)
        return std::string(pair.substr(equals + 1));
    }
  }
  return std::nullopt;
}

httplib::Params form_of(const httplib::Request& req) {
  httplib::Params params;
  httplib::detail::parse_query_text(req.body, params);
  return params;
}

std::string value(const httplib::Params& params, const std::string& key) {
  auto it = params.find(key);
  return it == params.end() ? "" : it->second;
}

std::string query(const std::vector<std::pair<std::string, std::string>>& pairs) {
  httplib::Params params;
  for (const auto& [k, v] : pairs) {
    if (!v.empty()) params.emplace(k, v);
  }
  return httplib::detail::params_to_query_str(params);
}

std::optional<long long> whole_number(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(text);
}

void redirect(httplib::Response& res, const std::string& location) {
  res.status = 303;
  res.set_header("Location", location);
  res.set_header("Cache-Control", "no-store");
}

// ---- a command's answer or the words of its failure ----------------------

struct Failure {
  int status;
  std::string words;
};

struct Outcome {
  json answer;
  std::optional<Failure> failure;
};

Outcome run_command(const ApiHandlers& handlers, const host::Caller& caller,
                    const std::string& command, const json& input) {
  try {
    return {handlers.command(caller, command, input), std::nullopt};
  } catch (const host::CommandInputError& e) {
    return {{}, Failure{400, std::string("The request was not accepted: ") + e.what()}};
  } catch (const host::PermissionError& e) {
    return {{}, Failure{403, std::string("Your role may not do this: ") + e.what()}};
  } catch (const host::NotFoundError& e) {
    return {{}, Failure{404, std::string("Not found: ") + e.what()}};
  } catch (const host::BusyError&) {
    return {{},
            Failure{503,
                    "The organisation is busy with a cycle or another command. Try again in a few "
                    "seconds."}};
  } catch (const host::CallError& e) {
    if (e.status() == MENTORING_ERR_UNKNOWN_COMMAND)
      return {
          {},
          Failure{404, "This page is not available: the plugin has no command " + command + "."}};
    if (e.status() == MENTORING_ERR_FORBIDDEN)
      return {{}, Failure{403, std::string("Your role may not do this: ") + e.what()}};
    if (e.status() == MENTORING_ERR_NOT_FOUND)
      return {{}, Failure{404, std::string("Not found: ") + e.what()}};
    if (e.status() == MENTORING_ERR_INVALID_INPUT)
      return {{}, Failure{400, std::string("The request was not accepted: ") + e.what()}};
  } catch (const std::invalid_argument& e) {
    return {{}, Failure{404, std::string("Not found: ") + e.what()}};
  } catch (const std::exception& e) {
    if (auto logger = spdlog::get("mentoring"))
      logger->error("[{}] serve: HR page's command {} failed: {}", caller.organisation, command,
                    e.what());
  }
  return {{}, Failure{500, "Something went wrong inside the host; its log says why."}};
}

std::string failure_title(int status) {
  switch (status) {
    case 400:
      return "Not accepted";
    case 403:
      return "Not allowed";
    case 404:
      return "Not found";
    case 429:
      return "Too many attempts";
    case 503:
      return "Busy, try again shortly";
    default:
      return "Something went wrong";
  }
}

// ---- the state shared by the routes ---------------------------------------

struct Viewer {
  host::Caller caller;
  std::string org, csrf, session_id;
};

// The tables of a page, for the CSV export; each added one gives the data its
// template renders.
struct Tables {
  std::string csv_query;  // e.g. "programme=x&"
  std::string csrf;       // for the tables' forms
  std::vector<Table> all;
  Data add(Table table) {
    Data d = table_data(table, csv_query, csrf);
    all.push_back(std::move(table));
    return d;
  }
};

struct Hr {
  const ServeSettings& settings;
  const ApiHandlers& handlers;
  SessionClock clock;
  SessionTable sessions;
  LoginThrottle throttle;

  explicit Hr(const PageContext& context)
      : settings(context.settings),
        handlers(context.handlers),
        clock(context.handlers.now ? context.handlers.now
                                   : SessionClock([] { return std::chrono::system_clock::now(); })),
        sessions(clock),
        throttle(clock) {}

  static std::string base(const std::string& org) { return "/hr/" + org + "/"; }

  Page page(const Viewer& viewer, std::string title, std::string body, int status = 200) const {
    Page p;
    p.title = std::move(title);
    p.status = status;
    const std::string b = base(viewer.org);
    p.navigation = {{b, "Programme at a glance"},
                    {b + "proposals", "Pairing proposals"},
                    {b + "supervision", "Supervision"},
                    {b + "evaluation", "Evaluation"}};
    Data sign_out;
    sign_out.set("sign_out_action", b + "logout");
    sign_out.set("csrf", viewer.csrf);
    sign_out.set("caller_name", viewer.caller.name);
    sign_out.set("caller_role", std::string(host::to_string(viewer.caller.role)));
    p.body_html = std::move(body) + hr::render(hr::templates::kSignOut, sign_out);
    return p;
  }

  void send_failure(httplib::Response& res, const Viewer& viewer, const Failure& failure,
                    const std::string& back) const {
    if (failure.status == 503)
      res.set_header("Retry-After", std::to_string(kBusyRetryAfterSeconds));
    Data d;
    d.set("words", failure.words);
    d.set("back", back);
    send_page(res, page(viewer, failure_title(failure.status),
                        hr::render(hr::templates::kFailure, d), failure.status));
  }

  // ---- login ---------------------------------------------------------------

  void login_form(httplib::Response& res, const std::string& org, int status,
                  const std::string& error) const {
    Page p;
    p.title = "Sign in to the mentoring programme";
    p.status = status;
    Data d;
    d.set("action", base(org) + "login");
    d.set("error", hr::optional(error));
    p.body_html = hr::render(hr::templates::kLogin, d);
    send_page(res, p);
  }

  // Signed in already: the programme; otherwise the form.
  void login_page(const httplib::Request& req, httplib::Response& res) {
    const std::string org = req.matches[1].str();
    const auto id = cookie(req, cookie_name(org));
    if (id) {
      if (auto session = sessions.find(org, *id)) {
        auto caller = handlers.authenticate(session->bearer);
        if (caller && caller->organisation == org) return redirect(res, base(org));
      }
    }
    login_form(res, org, 200, "");
  }

  void login(const httplib::Request& req, httplib::Response& res) {
    const std::string org = req.matches[1].str();
    if (!pages::same_origin(req, settings.tls.has_value())) {
      login_form(res, org, 403, "This sign-in did not come from this site's own page.");
      return;
    }
    if (!throttle.allowed(req.remote_addr)) {
      res.set_header("Retry-After", "900");
      login_form(res, org, 429,
                 "Too many failed sign-ins from your address. Wait a quarter of an hour and try "
                 "again.");
      return;
    }
    const std::string token = value(form_of(req), "token");
    std::optional<host::Caller> caller;
    if (!token.empty() && token.size() <= kMaxTokenBytes) caller = handlers.authenticate(token);
    // Unknown, revoked, or another organisation's token: the same words, so a
    // failed sign-in never tells whether the organisation exists.
    if (!caller || caller->organisation != org) {
      throttle.failed(req.remote_addr);
      login_form(res, org, 401, "That token was not accepted. Check it and try again.");
      return;
    }
    if (caller->role != host::Role::hr && caller->role != host::Role::admin) {
      throttle.failed(req.remote_addr);
      login_form(res, org, 403,
                 "This token is for the " + std::string(host::to_string(caller->role)) +
                     " role. These pages are for HR and administrators; participants use the "
                     "links in their emails.");
      return;
    }
    const OpenedSession opened = sessions.open(org, token);
    std::string set_cookie = cookie_name(org) + "=" + opened.id + "; Path=" + base(org) +
                             "; Max-Age=28800; HttpOnly; SameSite=Strict";
    if (settings.tls) set_cookie += "; Secure";
    res.set_header("Set-Cookie", set_cookie);
    redirect(res, base(org));
  }

  // The logged-in caller of this request; otherwise the browser is sent to the login.
  std::optional<Viewer> viewer(const httplib::Request& req, httplib::Response& res) {
    const std::string org = req.matches[1].str();
    const auto id = cookie(req, cookie_name(org));
    std::optional<Session> session;
    if (id) session = sessions.find(org, *id);
    std::optional<host::Caller> caller;
    if (session) caller = handlers.authenticate(session->bearer);
    if (!caller || caller->organisation != org ||
        (caller->role != host::Role::hr && caller->role != host::Role::admin)) {
      if (session) sessions.close(*id);  // the token was revoked meanwhile
      redirect(res, base(org) + "login");
      return std::nullopt;
    }
    return Viewer{*caller, org, session->csrf, *id};
  }

  // A POST of a logged-in page: same origin and the session's CSRF token, or
  // nothing is done.
  std::optional<Viewer> poster(const httplib::Request& req, httplib::Response& res,
                               const httplib::Params& form) {
    auto v = viewer(req, res);
    if (!v) return std::nullopt;
    if (!pages::same_origin(req, settings.tls.has_value()) ||
        !same_secret(value(form, "csrf"), v->csrf)) {
      send_failure(res, *v,
                   Failure{403,
                           "This form was out of date or did not come from this site; nothing "
                           "was changed. Open the page again and repeat what you did."},
                   base(v->org));
      return std::nullopt;
    }
    return v;
  }

  void logout(const httplib::Request& req, httplib::Response& res) {
    const httplib::Params form = form_of(req);
    auto v = poster(req, res, form);
    if (!v) return;
    sessions.close(v->session_id);
    std::string set_cookie =
        cookie_name(v->org) + "=; Path=" + base(v->org) + "; Max-Age=0; HttpOnly; SameSite=Strict";
    if (settings.tls) set_cookie += "; Secure";
    res.set_header("Set-Cookie", set_cookie);
    redirect(res, base(v->org) + "login");
  }

  // ---- serving a page or one of its tables -----------------------------------

  void serve(const httplib::Request& req, httplib::Response& res, const Viewer& v,
             const std::string& title, const char* page_template, const Data& data,
             const Tables& tables) const {
    if (req.get_param_value("format") == "csv") {
      const std::string name = req.get_param_value("table");
      for (const auto& table : tables.all) {
        if (table.name != name) continue;
        res.status = 200;
        res.set_header("Content-Disposition",
                       "attachment; filename=\"" + v.org + "-" + table.name + ".csv\"");
        res.set_header("Cache-Control", "no-store");
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_content(table_csv(table), "text/csv; charset=utf-8");
        return;
      }
      send_failure(res, v, Failure{404, "This page has no table \"" + name + "\"."}, req.path);
      return;
    }
    send_page(res, page(v, title, hr::render(page_template, data)));
  }

  // A choice of programme when the organisation runs several ({id, name}):
  // the data kChooser renders.
  static void set_chooser(Data& d, const std::string& path,
                          const std::vector<std::pair<std::string, std::string>>& programmes,
                          const std::string& current) {
    Data links = hr::list();
    for (const auto& [id, name] : programmes) {
      Data link;
      link.set("href", path + "?" + query({{"programme", id}}));
      link.set("label", name.empty() ? id : name);
      link.set("current", id == current);
      links << link;
    }
    d.set("has_choice", programmes.size() > 1);
    d.set("programmes", links);
  }

  // The programme a page shows from a command's answer: the one ?programme= names,
  // else the first; fills the chooser and has_programme. `id_key` / `name_key`:
  // where an entry of answer.programmes keeps its id and name ("" for none).
  static const json* choose_programme(const httplib::Request& req, Data& d, const json& answer,
                                      const char* id_key, const char* name_key,
                                      std::string& chosen) {
    const json& programmes = list(answer, "programmes");
    const json* p = pick(programmes, id_key, req.get_param_value("programme"));
    std::vector<std::pair<std::string, std::string>> ids;
    for (const auto& each : programmes)
      ids.emplace_back(field(each, id_key), *name_key ? field(each, name_key) : "");
    chosen = p ? field(*p, id_key) : "";
    set_chooser(d, req.path, ids, chosen);
    d.set("has_programme", p != nullptr);
    return p;
  }

  // The page's tables, with its CSV links keeping the programme.
  static Tables tables_for(const Viewer& v, const std::string& programme) {
    Tables t;
    t.csrf = v.csrf;
    if (!programme.empty()) t.csv_query = query({{"programme", programme}}) + "&";
    return t;
  }

  static Data table_list(std::initializer_list<Data> tables) {
    Data out = hr::list();
    for (const auto& t : tables) out << t;
    return out;
  }

  // The programme the request asks for among those an answer lists (by
  // `key`), else the first. nullptr when the answer lists none.
  static const json* pick(const json& programmes, const char* key, const std::string& wanted) {
    const json* first = nullptr;
    for (const auto& p : programmes) {
      if (!first) first = &p;
      if (field(p, key) == wanted) return &p;
    }
    return first;
  }

  // ---- programme at a glance ------------------------------------------------

  void overview(const httplib::Request& req, httplib::Response& res) {
    auto v = viewer(req, res);
    if (!v) return;
    const Outcome out = run_command(handlers, v->caller, "programme_overview", json::object());
    if (out.failure) return send_failure(res, *v, *out.failure, base(v->org));
    Data d;
    std::string id;
    const json* p = choose_programme(req, d, out.answer, "id", "name", id);
    Tables tables = tables_for(*v, id);
    if (!p)
      return serve(req, res, *v, "Programme at a glance", hr::templates::kOverview, d, tables);
    d.set("programme_name", field(*p, "name"));
    d.set("today", field(out.answer, "today"));

    Table enrolments{"enrolments", "Enrolments by state", {"State", "People"}, {}, {}};
    const json& states = member(*p, "enrolments_by_state");
    if (states.is_object()) {
      for (const auto& [state, count] : states.items())
        enrolments.rows.push_back({{words_of(state)}, number_cell(count)});
    }

    Table invitations{"open-invitations",
                      "Open invitations",
                      {"Name", "Person id", "Role", "Invited on", "Respond by", "Reminders sent",
                       "Answer overdue"},
                      {},
                      {}};
    for (const auto& i : list(*p, "open_invitations")) {
      invitations.rows.push_back({{field(i, "name")},
                                  {field(i, "person_id")},
                                  {field(i, "role")},
                                  {field(i, "invited_on")},
                                  {field(i, "respond_by")},
                                  number_cell(member(i, "reminders")),
                                  {member(i, "overdue") == true ? "yes" : "no"}});
    }

    Table waiting{
        "waiting-list", "Waiting list", {"Position", "Name", "Person id", "Waiting since"}, {}, {}};
    for (const auto& w : list(*p, "waiting_list")) {
      waiting.rows.push_back({number_cell(member(w, "position")),
                              {field(w, "name")},
                              {field(w, "person_id")},
                              {field(w, "since")}});
    }

    Table pairs{"pairs",
                "Pairs and their meetings",
                {"Pair", "Mentee", "Mentor", "Started", "Meetings held", "Last meeting",
                 "Next meeting", "Status", "Missed meetings"},
                {},
                {}};
    for (const auto& pair : list(*p, "pairs")) {
      const json& last = member(pair, "last_meeting_on");
      std::string next = field(pair, "next_meeting_on");
      if (next.empty()) {
        next = "not planned";
      } else {
        if (!field(pair, "next_meeting_start_time").empty())
          next += " " + field(pair, "next_meeting_start_time");
        if (member(pair, "next_meeting_agreed") == true) next += " (agreed)";
      }
      const std::string status = field(pair, "status_words").empty()
                                     ? words_of(field(pair, "status"))
                                     : field(pair, "status_words");
      pairs.rows.push_back({{field(pair, "pair_id")},
                            {field(member(pair, "mentee"), "name")},
                            {field(member(pair, "mentor"), "name")},
                            {field(pair, "started_on")},
                            number_cell(member(pair, "held")),
                            {last.is_string() ? last.get<std::string>() : "none yet"},
                            {next},
                            {status},
                            number_cell(member(pair, "missed_meetings"))});
    }

    Table overdue{"overdue",
                  "Overdue and missed",
                  {"Kind", "Name", "Person id", "Detail", "Due on", "Days overdue"},
                  {},
                  {}};
    for (const auto& o : list(*p, "overdue")) {
      const std::string kind =
          field(o, "kind_words").empty() ? words_of(field(o, "kind")) : field(o, "kind_words");
      overdue.rows.push_back({{kind},
                              {field(o, "name")},
                              {field(o, "person_id")},
                              {field(o, "what")},
                              {field(o, "due_on")},
                              number_cell(member(o, "days_overdue"))});
    }
    d.set("tables", table_list({tables.add(std::move(enrolments)),
                                tables.add(std::move(invitations)), tables.add(std::move(waiting)),
                                tables.add(std::move(pairs)), tables.add(std::move(overdue))}));
    serve(req, res, *v, "Programme at a glance", hr::templates::kOverview, d, tables);
  }

  // ---- pairing proposals ------------------------------------------------------

  static std::string criterion_words(const std::string& criterion) {
    static const std::map<std::string, std::string> kWords = {
        {"same_leave_kind", "Same kind of leave"},
        {"org_proximity", "Close in the organisation"},
        {"location", "Same location"},
        {"seniority_gap", "Seniority gap"},
        {"theme_overlap", "Shared themes"},
        {"mentee_wish", "The mentee's wish"},
        {"mentor_wish", "The mentor's wish"}};
    auto it = kWords.find(criterion);
    return it == kWords.end() ? words_of(criterion) : it->second;
  }

  static std::string done_words(const std::string& done) {
    static const std::map<std::string, std::string> kWords = {
        {"accepted", "The proposal was accepted: the two are now a pair."},
        {"waiting", "Accepted by you; the pair's members still have to accept."},
        {"locked", "The proposal is locked: re-runs keep it."},
        {"unlocked", "The proposal is unlocked: re-runs may change it."},
        {"forbidden", "The two will never be proposed together again."},
        {"recorded", "The attendance was recorded."}};
    auto it = kWords.find(done);
    return it == kWords.end() ? "" : it->second;
  }

  ActionForm action_form(const Viewer& v, const std::string& programme, const std::string& action,
                         const std::string& label, const std::string& button_id,
                         std::vector<std::pair<std::string, std::string>> fields) const {
    fields.insert(fields.begin(), {{"action", action}, {"programme", programme}});
    return ActionForm{base(v.org) + "proposals", button_id, label, std::move(fields)};
  }

  void proposals(const httplib::Request& req, httplib::Response& res) {
    auto v = viewer(req, res);
    if (!v) return;
    const Outcome out = run_command(handlers, v->caller, "pairing_proposals", json::object());
    if (out.failure) return send_failure(res, *v, *out.failure, base(v->org));
    Data d;
    d.set("notice", hr::optional(done_words(req.get_param_value("done"))));
    std::string programme;
    const json* p = choose_programme(req, d, out.answer, "programme", "", programme);
    Tables tables = tables_for(*v, programme);
    if (!p) return serve(req, res, *v, "Pairing proposals", hr::templates::kProposals, d, tables);
    d.set("programme_name", programme);
    d.set("pairs_accept", field(*p, "accepted_by") == "pair");

    Table table{"proposals",
                "Proposed and accepted pairs, with why",
                {"Pair", "Mentee", "Mentor", "State", "Score", "Why (points per criterion)",
                 "Locked", "Actions"},
                {},
                {true, true, true, true, true, true, true, false}};
    for (const auto& proposal : list(*p, "proposals")) {
      const std::string pair_id = field(proposal, "pair_id");
      const std::string mentee = field(proposal, "mentee_name").empty()
                                     ? field(proposal, "mentee_id")
                                     : field(proposal, "mentee_name");
      const std::string mentor = field(proposal, "mentor_name").empty()
                                     ? field(proposal, "mentor_id")
                                     : field(proposal, "mentor_name");
      Cell why;
      const json& breakdown = member(proposal, "breakdown");
      if (breakdown.is_object() && !breakdown.empty()) {
        for (const auto& [criterion, points] : breakdown.items()) {
          const std::string line = criterion_words(criterion) + ": " + text_of(points);
          why.text += (why.text.empty() ? "" : "; ") + line;
          why.lines.push_back(line);
        }
      } else if (member(proposal, "recorded_without_proposal") == true) {
        why.text = "recorded by hand, without a proposal";
      }
      const bool locked = member(proposal, "locked") == true;
      Cell actions;
      if (field(proposal, "state") == "proposed") {
        actions.note_id = "pair-" + pair_id + "-label";
        actions.note = "Pair " + pair_id + ": " + mentee + " with " + mentor;
        actions.forms.push_back(action_form(*v, programme, "accept", "Accept", "accept-" + pair_id,
                                            {{"pair_id", pair_id}}));
        actions.forms.push_back(action_form(*v, programme, locked ? "unlock" : "lock",
                                            locked ? "Unlock" : "Lock", "lock-" + pair_id,
                                            {{"pair_id", pair_id}}));
        actions.forms.push_back(action_form(*v, programme, "forbid", "Forbid", "forbid-" + pair_id,
                                            {{"mentee_id", field(proposal, "mentee_id")},
                                             {"mentor_id", field(proposal, "mentor_id")}}));
      }
      table.rows.push_back({{pair_id},
                            {mentee + " (" + field(proposal, "mentee_id") + ")"},
                            {mentor + " (" + field(proposal, "mentor_id") + ")"},
                            {field(proposal, "state")},
                            number_cell(member(proposal, "score")),
                            why,
                            {locked ? "yes" : "no"},
                            actions});
    }

    Table unmatched{"unmatched",
                    "Mentees without a proposal, and why",
                    {"Name", "Person id", "Reason", "Explanation"},
                    {},
                    {}};
    for (const auto& u : list(*p, "unmatched")) {
      unmatched.rows.push_back({{field(u, "name")},
                                {field(u, "person_id")},
                                {words_of(field(u, "reason"))},
                                {field(u, "explanation")}});
    }
    d.set("tables", table_list({tables.add(std::move(table)), tables.add(std::move(unmatched))}));
    serve(req, res, *v, "Pairing proposals", hr::templates::kProposals, d, tables);
  }

  void proposal_action(const httplib::Request& req, httplib::Response& res) {
    const httplib::Params form = form_of(req);
    auto v = poster(req, res, form);
    if (!v) return;
    const std::string action = value(form, "action");
    const std::string programme = value(form, "programme");
    const std::string back = base(v->org) + "proposals";
    json input;
    std::string command;
    if (action == "accept" || action == "lock" || action == "unlock") {
      const auto pair_id = whole_number(value(form, "pair_id"));
      if (!pair_id || *pair_id < 1) {
        return send_failure(
            res, *v,
            Failure{400, "pair_id: found \"" + value(form, "pair_id").substr(0, 40) +
                             "\"; expected a pair's number"},
            back);
      }
      input = {{"pair_id", *pair_id}};
      command = action == "accept" ? "pairing_accept" : "pairing_lock";
      if (action == "unlock") input["unlock"] = true;
    } else if (action == "forbid") {
      const std::string mentee = value(form, "mentee_id"), mentor = value(form, "mentor_id");
      if (mentee.empty() || mentor.empty() || mentee.size() > 200 || mentor.size() > 200) {
        return send_failure(
            res, *v, Failure{400, "mentee_id and mentor_id: expected the two people's ids"}, back);
      }
      input = {{"mentee_id", mentee}, {"mentor_id", mentor}};
      if (!programme.empty()) input["programme"] = programme;
      command = "pairing_forbid";
    } else {
      return send_failure(res, *v,
                          Failure{400, "action: found \"" + action.substr(0, 40) +
                                           "\"; expected accept, lock, unlock or forbid"},
                          back);
    }
    const Outcome out = run_command(handlers, v->caller, command, input);
    if (out.failure) return send_failure(res, *v, *out.failure, back);
    std::string done = action == "forbid" ? "forbidden" : action + "ed";
    if (action == "accept" && field(out.answer, "state") != "accepted") done = "waiting";
    redirect(res, back + "?" + query({{"programme", programme}, {"done", done}}));
  }

  // ---- supervision -------------------------------------------------------------

  void supervision(const httplib::Request& req, httplib::Response& res) {
    auto v = viewer(req, res);
    if (!v) return;
    const std::string wanted = req.get_param_value("programme");
    json input = json::object();
    if (!wanted.empty()) input["programme"] = wanted;
    const Outcome out = run_command(handlers, v->caller, "supervision_sessions", input);
    Data d;
    d.set("notice", hr::optional(done_words(req.get_param_value("done"))));
    d.set("choosing", false);
    if (out.failure && out.failure->status == 400 && wanted.empty()) {
      // Several programmes: supervision_sessions needs one; offer them.
      const Outcome listed = run_command(handlers, v->caller, "programme_overview", json::object());
      if (listed.failure) return send_failure(res, *v, *out.failure, base(v->org));
      Data links = hr::list();
      for (const auto& p : list(listed.answer, "programmes")) {
        Data link;
        link.set("href", req.path + "?" + query({{"programme", field(p, "id")}}));
        link.set("label", field(p, "name").empty() ? field(p, "id") : field(p, "name"));
        links << link;
      }
      d.set("choosing", true);
      d.set("choose", links);
      return serve(req, res, *v, "Supervision", hr::templates::kSupervision, d, Tables{});
    }
    if (out.failure) return send_failure(res, *v, *out.failure, base(v->org));
    const std::string programme = field(out.answer, "programme");
    d.set("programme_name", programme);
    d.set("other_href", wanted.empty() ? Data(false) : Data(req.path));
    Tables tables = tables_for(*v, programme);

    // The sessions name members by id; the groups give their names.
    std::map<std::string, std::string> names;
    for (const auto& g : list(out.answer, "groups")) {
      for (const auto& m : list(g, "members")) {
        if (!field(m, "name").empty()) names[field(m, "person_id")] = field(m, "name");
      }
    }
    auto who = [&names](const std::string& id) {
      const auto it = names.find(id);
      return it == names.end() ? id : it->second + " (" + id + ")";
    };
    auto joined = [&who](const json& people) {
      std::string text;
      for (const auto& person : people) text += (text.empty() ? "" : ", ") + who(text_of(person));
      return text;
    };
    struct Group {
      std::set<std::string> members;
      int sessions = 0, attended = 0, missed = 0;
    };
    std::map<long long, Group> groups;
    std::set<std::string> everyone;
    Table sessions_table{
        "supervision-sessions",
        "Group supervision sessions and attendance",
        {"Session", "Group", "Number", "Date", "Members", "Attended", "Missed", "Not recorded"},
        {},
        {}};
    Data session_options = hr::list();
    for (const auto& s : list(out.answer, "sessions")) {
      const long long group =
          member(s, "group").is_number_integer() ? member(s, "group").get<long long>() : 0;
      Group& g = groups[group];
      ++g.sessions;
      std::set<std::string> recorded;
      for (const auto& a : list(s, "attended")) {
        recorded.insert(text_of(a));
        ++g.attended;
      }
      for (const auto& m : list(s, "missed")) {
        recorded.insert(text_of(m));
        ++g.missed;
      }
      json open = json::array();
      for (const auto& m : list(s, "members")) {
        g.members.insert(text_of(m));
        everyone.insert(text_of(m));
        if (!recorded.count(text_of(m))) open.push_back(m);
      }
      sessions_table.rows.push_back({number_cell(member(s, "session_id")),
                                     number_cell(member(s, "group")),
                                     number_cell(member(s, "number")),
                                     {field(s, "on")},
                                     {joined(list(s, "members"))},
                                     {joined(list(s, "attended"))},
                                     {joined(list(s, "missed"))},
                                     {joined(open)}});
      Data option;
      option.set("value", field(s, "session_id"));
      option.set("label", "Group " + field(s, "group") + ", session " + field(s, "number") + ", " +
                              field(s, "on"));
      session_options << option;
    }
    Table groups_table{"supervision-groups",
                       "Supervision groups",
                       {"Group", "Members", "Sessions", "Attendances", "Absences"},
                       {},
                       {}};
    for (const auto& [number, g] : groups) {
      std::string members;
      for (const auto& m : g.members) members += (members.empty() ? "" : ", ") + who(m);
      groups_table.rows.push_back({{std::to_string(number), true},
                                   {members},
                                   {std::to_string(g.sessions), true},
                                   {std::to_string(g.attended), true},
                                   {std::to_string(g.missed), true}});
    }
    d.set("tables",
          table_list({tables.add(std::move(groups_table)), tables.add(std::move(sessions_table))}));
    if (session_options.list_value().empty()) {
      d.set("form", false);
    } else {
      Data people = hr::list();
      for (const auto& person : everyone) {
        Data option;
        option.set("value", person);
        option.set("label", who(person));
        people << option;
      }
      Data form;
      form.set("action", base(v->org) + "supervision");
      form.set("csrf", v->csrf);
      form.set("programme", programme);
      form.set("sessions", session_options);
      form.set("people", people);
      d.set("form", form);
    }
    serve(req, res, *v, "Supervision", hr::templates::kSupervision, d, tables);
  }

  void attendance(const httplib::Request& req, httplib::Response& res) {
    const httplib::Params form = form_of(req);
    auto v = poster(req, res, form);
    if (!v) return;
    const std::string programme = value(form, "programme");
    const std::string back = base(v->org) + "supervision";
    const auto session_id = whole_number(value(form, "session_id"));
    const std::string person = value(form, "person_id");
    const std::string attended = value(form, "attended");
    if (!session_id || *session_id < 1)
      return send_failure(
          res, *v,
          Failure{400, "session_id: found \"" + value(form, "session_id").substr(0, 40) +
                           "\"; expected a session's number"},
          back);
    if (person.empty() || person.size() > 200)
      return send_failure(res, *v, Failure{400, "person_id: expected the mentor's id"}, back);
    if (attended != "yes" && attended != "no")
      return send_failure(
          res, *v,
          Failure{400, "attended: found \"" + attended.substr(0, 40) + "\"; expected yes or no"},
          back);
    const Outcome out = run_command(
        handlers, v->caller, "supervision_attendance",
        {{"session_id", *session_id}, {"person_id", person}, {"attended", attended == "yes"}});
    if (out.failure) return send_failure(res, *v, *out.failure, back);
    redirect(res, back + "?" + query({{"programme", programme}, {"done", "recorded"}}));
  }

  // ---- evaluation ----------------------------------------------------------------

  static Data chart_or_false(const BarChart& chart) {
    return chart.bars.empty() ? Data(false) : chart_data(chart);
  }

  void evaluation(const httplib::Request& req, httplib::Response& res) {
    auto v = viewer(req, res);
    if (!v) return;
    const Outcome out = run_command(handlers, v->caller, "evaluation_report", json::object());
    if (out.failure) return send_failure(res, *v, *out.failure, base(v->org));
    Data d;
    std::string programme;
    const json* p = choose_programme(req, d, out.answer, "programme", "", programme);
    Tables tables = tables_for(*v, programme);
    if (!p) return serve(req, res, *v, "Evaluation", hr::templates::kEvaluation, d, tables);
    d.set("programme_name", programme);
    d.set("today", field(out.answer, "today"));
    d.set("min_group_size", field(out.answer, "min_group_size"));

    // Surveys: response rates.
    Table surveys{"surveys",
                  "Surveys and response rates",
                  {"Survey", "Role", "Invited", "Answered", "Response rate"},
                  {},
                  {}};
    BarChart response{"chart-response",
                      "Response rate per survey",
                      "Share of invited people who answered, per survey and role; the table "
                      "Surveys and response rates holds the same figures.",
                      "Response rate per survey (figures in the table below)",
                      1,
                      {}};
    for (const auto& s : list(*p, "surveys")) {
      const std::string label = field(s, "name") + " (" + field(s, "role") + ")";
      const json& answered = member(s, "answered");
      const json& invited = member(s, "invited");
      if (answered.is_number() && invited.is_number() && invited.get<double>() > 0) {
        const double rate = answered.get<double>() / invited.get<double>();
        surveys.rows.push_back({{field(s, "name")},
                                {field(s, "role")},
                                number_cell(invited),
                                number_cell(answered),
                                {percent(rate)}});
        response.bars.push_back({label, rate, percent(rate)});
      } else {
        surveys.rows.push_back({{field(s, "name")},
                                {field(s, "role")},
                                number_cell(invited),
                                {suppressed(s)},
                                {"suppressed"}});
        response.bars.push_back({label, std::nullopt, ""});
      }
    }
    d.set("response_chart", chart_or_false(response));
    d.set("surveys_table", tables.add(std::move(surveys)));

    Table questions{"questions",
                    "Answers per question",
                    {"Question", "Survey", "Role", "Kind", "Answers", "Result"},
                    {},
                    {}};
    Table comments{"comments", "Written answers", {"Question", "Survey", "Answer"}, {}, {}};
    for (const auto& s : list(*p, "surveys")) {
      for (const auto& q : list(s, "questions")) {
        std::string result;
        const std::string kind = field(q, "kind");
        if (member(q, "not_shown").is_string() || !member(q, "answers").is_number()) {
          result = suppressed(q);
        } else if (member(q, "mean").is_number()) {
          result = "mean " + decimal(member(q, "mean").get<double>(), 1);
        } else if (member(q, "share_yes").is_number()) {
          result = percent(member(q, "share_yes").get<double>()) + " yes";
        } else if (member(q, "median").is_number()) {
          result = "median " + text_of(member(q, "median"));
        } else if (member(q, "counts").is_object()) {
          for (const auto& [choice, count] : member(q, "counts").items())
            result += (result.empty() ? "" : ", ") + choice + ": " + text_of(count);
        } else if (kind == "text") {
          result = std::to_string(list(q, "texts").size()) + " written answers";
        }
        for (const auto& t : list(q, "texts"))
          comments.rows.push_back({{field(q, "text")}, {field(s, "name")}, {text_of(t)}});
        questions.rows.push_back({{field(q, "text")},
                                  {field(s, "name")},
                                  {field(s, "role")},
                                  {words_of(kind)},
                                  member(q, "answers").is_number()
                                      ? number_cell(member(q, "answers"))
                                      : Cell{"suppressed"},
                                  {result}});
      }
    }
    d.set("questions_table", tables.add(std::move(questions)));
    d.set("comments_table", tables.add(std::move(comments)));

    // Retention of returners, with the organisation's baseline.
    Table retention{"retention",
                    "Retention of returners",
                    {"Months after return", "Returners", "Retained", "Share retained",
                     "Baseline returners", "Baseline retained", "Baseline share"},
                    {},
                    {}};
    BarChart retention_chart{"chart-retention",
                             "Share of returners retained",
                             "Share of returners still employed some months after their return, "
                             "the programme beside the organisation's baseline; the table "
                             "Retention of returners holds the same figures.",
                             "Share of returners retained (figures in the table below)",
                             1,
                             {}};
    auto figure = [&](const json& f, std::vector<Cell>& row, const std::string& label) {
      if (member(f, "share").is_number()) {
        row.push_back(number_cell(member(f, "returners")));
        row.push_back(number_cell(member(f, "retained")));
        row.push_back({percent(member(f, "share").get<double>())});
        retention_chart.bars.push_back(
            {label, member(f, "share").get<double>(), percent(member(f, "share").get<double>())});
      } else {
        row.push_back({suppressed(f)});
        row.push_back({"suppressed"});
        row.push_back({"suppressed"});
        retention_chart.bars.push_back({label, std::nullopt, ""});
      }
    };
    for (const auto& r : list(*p, "retention")) {
      std::vector<Cell> row{number_cell(member(r, "months"))};
      figure(member(r, "programme"), row, "Programme, " + field(r, "months") + " months");
      figure(member(r, "baseline"), row, "Baseline, " + field(r, "months") + " months");
      retention.rows.push_back(std::move(row));
    }
    d.set("retention_chart", chart_or_false(retention_chart));
    d.set("retention_table", tables.add(std::move(retention)));

    const json& weeks = member(*p, "weeks_to_full_productivity");
    Table productivity{
        "productivity", "Weeks back to full productivity", {"Answers", "Median weeks"}, {}, {}};
    if (member(weeks, "median").is_number()) {
      productivity.rows.push_back(
          {number_cell(member(weeks, "answers")), number_cell(member(weeks, "median"))});
    } else if (weeks.is_object()) {
      productivity.rows.push_back({{suppressed(weeks)}, {"suppressed"}});
    }
    d.set("productivity_table", tables.add(std::move(productivity)));

    // Budget: participants and amount per cohort.
    const json& budget = member(*p, "budget");
    Table cohorts{"budget", "Budget per cohort", {"Cohort", "Participants", "Amount"}, {}, {}};
    BarChart participants{"chart-participants",
                          "Participants per cohort",
                          "Mentees whose mentoring began, per cohort (the year their enrolment "
                          "started); the table Budget per cohort holds the same figures.",
                          "Participants per cohort (figures in the table below)",
                          1,
                          {}};
    d.set("no_fee", member(budget, "fee_per_participant").is_null());
    d.set("why", hr::optional(field(budget, "why")));
    const std::string currency = field(budget, "currency");
    for (const auto& c : list(budget, "cohorts")) {
      const json& count = member(c, "participants");
      cohorts.rows.push_back(
          {number_cell(member(c, "cohort")),
           number_cell(count),
           {member(c, "amount").is_number() ? decimal(member(c, "amount").get<double>(), 2) +
                                                  (currency.empty() ? "" : " " + currency)
                                            : ""}});
      if (count.is_number()) {
        participants.max_value = std::max(participants.max_value, count.get<double>());
        participants.bars.push_back({field(c, "cohort"), count.get<double>(), text_of(count)});
      }
    }
    d.set("participants_chart", chart_or_false(participants));
    d.set("budget_table", tables.add(std::move(cohorts)));
    serve(req, res, *v, "Evaluation", hr::templates::kEvaluation, d, tables);
  }
};

}  // namespace

void register_hr_pages(httplib::Server& server, const PageContext& context) {
  auto hr = std::make_shared<Hr>(context);
  const std::string org = std::string("/hr/") + kOrg;
  server.Get(org + "/login", [hr](const httplib::Request& req, httplib::Response& res) {
    hr->login_page(req, res);
  });
  server.Post(org + "/login",
              [hr](const httplib::Request& req, httplib::Response& res) { hr->login(req, res); });
  server.Post(org + "/logout",
              [hr](const httplib::Request& req, httplib::Response& res) { hr->logout(req, res); });
  server.Get(org, [](const httplib::Request& req, httplib::Response& res) {
    redirect(res, req.path + "/");  // the cookie's path ends with a slash
  });
  server.Get(org + "/",
             [hr](const httplib::Request& req, httplib::Response& res) { hr->overview(req, res); });
  server.Get(org + "/proposals", [hr](const httplib::Request& req, httplib::Response& res) {
    hr->proposals(req, res);
  });
  server.Post(org + "/proposals", [hr](const httplib::Request& req, httplib::Response& res) {
    hr->proposal_action(req, res);
  });
  server.Get(org + "/supervision", [hr](const httplib::Request& req, httplib::Response& res) {
    hr->supervision(req, res);
  });
  server.Post(org + "/supervision", [hr](const httplib::Request& req, httplib::Response& res) {
    hr->attendance(req, res);
  });
  server.Get(org + "/evaluation", [hr](const httplib::Request& req, httplib::Response& res) {
    hr->evaluation(req, res);
  });
}

}  // namespace mentoring::serve::pages
