// The HR pages on an in-process ApiServer (127.0.0.1, a free port) with a fake
// ApiHandlers: canned command answers shaped like the commands' output
// schemas, a recording of every command run (caller, command, input), and a
// clock the tests move. Login (good, participant, other organisation's, wrong
// token; throttled), the cookie's flags, session expiry, logout, CSRF, each
// page's tables from the command's JSON, the proposal and attendance forms'
// command inputs, CSV export, SVG charts, escaping, and the caller.
#include <mentoring/host/org_lock.hpp>
#include <mentoring/host/runtime.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/serve/metrics.hpp>
#include <mentoring/serve/server.hpp>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using mentoring::host::Caller;
using mentoring::host::Role;
namespace serve = mentoring::serve;

struct Call {
  Caller caller;
  std::string command;
  json input;
};

json overview_answer() {
  return json::parse(R"json({
    "today": "2026-12-07",
    "programmes": [
      {"id": "return-to-work", "name": "Return to work",
       "enrolments_by_state": {"active": 3, "invited": 2, "waiting": 1},
       "enrolments_by_role": {"mentee": {"active": 2, "invited": 1, "waiting": 1},
                              "mentor": {"active": 1, "invited": 1}},
       "open_invitations": [{"person_id": "E7", "name": "<script>alert(1)</script>", "role": "mentee",
                             "invited_on": "2026-11-30", "respond_by": "2026-12-14", "reminders": 1,
                             "overdue": false}],
       "waiting_list": [{"person_id": "E9", "name": "=HYPERLINK(\"http://x\")", "since": "2026-10-01",
                         "position": 1}],
       "pairs": [{"pair_id": 7, "mentee": {"person_id": "E1", "name": "Ada, \"the\" mentee"},
                  "mentor": {"person_id": "M1", "name": "Bob Mentor"}, "started_on": "2026-09-01",
                  "last_meeting_on": "2026-11-20", "next_meeting_on": "2026-12-10",
                  "next_meeting_agreed": true, "next_meeting_start_time": "14:30",
                  "status": "overdue", "status_words": "overdue: no meeting for six weeks",
                  "held": 3, "missed_meetings": 2},
                 {"pair_id": 8, "mentee": {"person_id": "E2", "name": "Cy"},
                  "mentor": {"person_id": "M2", "name": "Di"}, "started_on": "2026-01-05",
                  "last_meeting_on": null, "next_meeting_on": null, "next_meeting_agreed": false,
                  "status": "ended", "status_words": "ended", "held": 5, "missed_meetings": 0,
                  "ended_on": "2026-07-01"}],
       "overdue": [{"kind": "pair_session", "kind_words": "Pair meeting overdue", "person_id": "E1",
                    "name": "Ada", "what": "7", "due_on": "2026-12-01", "days_overdue": 6,
                    "pair_id": 7}]},
      {"id": "career-network", "name": "Career network",
       "enrolments_by_state": {"active": 11}, "enrolments_by_role": {},
       "open_invitations": [], "waiting_list": [], "pairs": [], "overdue": []}
    ]
})json");
}

json proposals_answer() {
  return json::parse(R"json({"programmes": [
    {"programme": "return-to-work", "accepted_by": "hr",
     "proposals": [
       {"pair_id": 12, "state": "proposed", "mentee_id": "E1", "mentee_name": "Ada",
        "mentor_id": "M1", "mentor_name": "Bob", "locked": false, "score": 0.85,
        "breakdown": {"same_leave_kind": 0.3, "theme_overlap": 0.55}},
       {"pair_id": 13, "state": "accepted", "mentee_id": "E2", "mentee_name": "Cy",
        "mentor_id": "M2", "mentor_name": "Di", "locked": true, "score": 0.5,
        "breakdown": {"location": 0.5}}],
     "unmatched": [{"person_id": "E5", "name": "Eve", "reason": "no_eligible_mentor",
                    "explanation": "No mentor shares a theme with Eve."}]}]})json");
}

json supervision_answer() {
  return json::parse(R"json({"programme": "return-to-work", "sessions": [
    {"session_id": 4, "group": 1, "number": 2, "on": "2026-11-10", "members": ["M1", "M2"],
     "attended": ["M1"], "missed": []},
    {"session_id": 5, "group": 2, "number": 1, "on": "2026-11-12", "members": ["M3"],
     "attended": [], "missed": ["M3"]}],
    "groups": [{"group": 1, "starts_on": "2026-10-01", "members": [
                 {"person_id": "M1", "name": "Mira Mentor", "first_paired_on": "2026-09-20"},
                 {"person_id": "M2", "name": null, "first_paired_on": "2026-09-25"}]},
               {"group": 2, "starts_on": "2026-11-01", "members": [
                 {"person_id": "M3", "name": "Theo <b>Mentor</b>", "first_paired_on": "2026-10-20"}]}]})json");
}

json evaluation_answer() {
  return json::parse(R"json({"today": "2026-12-07", "min_group_size": 5, "programmes": [
    {"programme": "return-to-work",
     "surveys": [
       {"survey": "mid", "name": "Mid-point", "role": "mentee", "invited": 10, "answered": 8,
        "questions": [{"question": "q1", "text": "How useful was it?", "kind": "scale_1_5",
                       "answers": 8, "mean": 4.25, "distribution": {"4": 6, "5": 2}},
                      {"question": "q2", "text": "Would you recommend it?", "kind": "yes_no",
                       "not_shown": "fewer than 5 answers"}]},
       {"survey": "end", "name": "Mentor check", "role": "mentor", "invited": 3,
        "not_shown": "fewer than 5 answers"}],
     "retention": [{"months": 6, "programme": {"returners": 12, "retained": 9, "share": 0.75},
                    "baseline": {"not_shown": "fewer than 5 returners"}}],
     "weeks_to_full_productivity": {"answers": 6, "median": 8},
     "budget": {"fee_per_participant": {"amount": 500, "currency": "GBP"}, "currency": "GBP",
                "cohorts": [{"cohort": 2026, "participants": 4, "amount": 2000}],
                "participants": 4, "total": 2000}}]})json");
}

// The organisation's state as the plugin would answer; records each call.
class FakeHost {
 public:
  FakeHost() {
    tokens_["hr-token"] = Caller{"northwind", Role::hr, "", "Priya (HR)"};
    tokens_["admin-token"] = Caller{"northwind", Role::admin, "", "Sam (admin)"};
    tokens_["mentee-token"] = Caller{"northwind", Role::mentee, "E1", "Ada"};
    tokens_["river-token"] = Caller{"riverside", Role::hr, "", "River HR"};
    answers_["programme_overview"] = overview_answer();
    answers_["pairing_proposals"] = proposals_answer();
    answers_["supervision_sessions"] = supervision_answer();
    answers_["evaluation_report"] = evaluation_answer();
    answers_["pairing_accept"] = {{"proposal_id", 12}, {"state", "accepted"}, {"pair_id", 12}};
    answers_["pairing_lock"] = {{"pair_id", 12}, {"locked", true}};
    answers_["pairing_forbid"] = json::object();
    answers_["supervision_attendance"] = json::object();
  }

  serve::ApiHandlers handlers() {
    serve::ApiHandlers h;
    h.authenticate = [this](std::string_view token) -> std::optional<Caller> {
      std::lock_guard lock(mutex_);
      ++authentications_;
      auto it = tokens_.find(std::string(token));
      if (it == tokens_.end()) return std::nullopt;
      return it->second;
    };
    h.command = [this](const Caller& caller, const std::string& command, const json& input) {
      std::lock_guard lock(mutex_);
      calls_.push_back({caller, command, input});
      if (failure_) std::rethrow_exception(failure_);
      if (needs_programme_.count(command) && !input.contains("programme"))
        throw mentoring::host::CommandInputError(command + ": /programme: found (missing)");
      auto it = answers_.find(command);
      if (it == answers_.end()) throw std::invalid_argument("no command " + command);
      return it->second;
    };
    h.ready = [] { return true; };
    h.now = [this] {
      return std::chrono::system_clock::time_point(
          std::chrono::system_clock::duration(now_.load()));
    };
    return h;
  }

  std::vector<Call> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  void clear_calls() {
    std::lock_guard lock(mutex_);
    calls_.clear();
  }
  int authentications() {
    std::lock_guard lock(mutex_);
    return authentications_;
  }
  void revoke(const std::string& token) {
    std::lock_guard lock(mutex_);
    tokens_.erase(token);
  }
  void fail_with(std::exception_ptr e) {
    std::lock_guard lock(mutex_);
    failure_ = e;
  }
  void set_answer(const std::string& command, json answer) {
    std::lock_guard lock(mutex_);
    answers_[command] = std::move(answer);
  }
  void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }
  // Commands that, like the plugin's, need a programme when the organisation runs several.
  void require_programme(const std::string& command) {
    std::lock_guard lock(mutex_);
    needs_programme_.insert(command);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Caller> tokens_;
  std::map<std::string, json> answers_;
  std::vector<Call> calls_;
  std::exception_ptr failure_;
  int authentications_ = 0;
  std::set<std::string> needs_programme_;
  std::atomic<std::chrono::system_clock::rep> now_{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::hours(24 * 365 * 56))
          .count()};
};

class HrPages : public ::testing::Test {
 protected:
  void SetUp() override {
    serve::ServeSettings settings;
    settings.port = 0;
    settings.threads = 4;
    start(settings);
  }
  void TearDown() override { stop(); }

  void start(const serve::ServeSettings& settings) {
    server = std::make_unique<serve::ApiServer>(settings, metrics, host.handlers());
    port = server->bind();
    thread = std::thread([this] { server->listen(); });
    for (int i = 0; i < 5000 && !server->running(); ++i) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(server->running());
  }
  void stop() {
    if (!server) return;
    server->stop();
    thread.join();
    server.reset();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    return c;
  }
  httplib::Result get(const std::string& path, const std::string& session = "",
                      httplib::Headers headers = {}) const {
    if (!session.empty()) headers.emplace("Cookie", "mentoring_hr_northwind=" + session);
    return client().Get(path.c_str(), headers);
  }
  httplib::Result post(const std::string& path, const httplib::Params& form,
                       const std::string& session = "", httplib::Headers headers = {}) const {
    if (!session.empty()) headers.emplace("Cookie", "mentoring_hr_northwind=" + session);
    return client().Post(path.c_str(), headers, form);
  }

  // Logs in with a token: the session id from the cookie ("" when refused).
  std::string login(const std::string& token, const std::string& org = "northwind") {
    auto r = post("/hr/" + org + "/login", {{"token", token}});
    EXPECT_TRUE(r);
    if (!r || r->status != 303) return "";
    std::smatch m;
    const std::string cookie = r->get_header_value("Set-Cookie");
    if (!std::regex_search(cookie, m, std::regex("mentoring_hr_" + org + "=([0-9a-f]{64});")))
      return "";
    return m[1];
  }

  // The CSRF token of a page's forms.
  std::string csrf_of(const std::string& session, const std::string& path = "/hr/northwind/") {
    auto r = get(path, session);
    EXPECT_TRUE(r && r->status == 200);
    std::smatch m;
    if (!r ||
        !std::regex_search(r->body, m, std::regex(R"re(name="csrf" value="([0-9a-f]{64})")re")))
      return "";
    return m[1];
  }

  std::vector<Call> calls_of(const std::string& command) {
    std::vector<Call> out;
    for (auto& c : host.calls()) {
      if (c.command == command) out.push_back(c);
    }
    return out;
  }

  FakeHost host;
  serve::Metrics metrics{{"northwind", "riverside"}};
  std::unique_ptr<serve::ApiServer> server;
  std::thread thread;
  int port = 0;
};

// A table's row as the page renders it: first cell a row header.
std::string row(const std::vector<std::string>& cells) {
  std::string html = "<tr>";
  for (std::size_t i = 0; i < cells.size(); ++i)
    html += i == 0 ? "<th scope=\"row\">" + cells[i] + "</th>" : "<td>" + cells[i] + "</td>";
  return html + "</tr>";
}

// The fake's answers are what the plugin answers: checked against the
// commands' published output schemas.
TEST(HrPagesFake, CannedAnswersMatchTheCommandsOutputSchemas) {
  const std::vector<std::pair<std::string, json>> answers = {
      {"pairing-proposals", proposals_answer()},
      {"supervision-sessions", supervision_answer()},
      {"evaluation_report", evaluation_answer()},
      {"programme_overview", overview_answer()},
  };
  for (const auto& [name, answer] : answers) {
    const json schema = mentoring::schema::parse_file(std::string(SCHEMAS_DIR) + "/commands/" +
                                                      name + ".output.schema.json");
    const auto problems = mentoring::schema::validate_against(schema, answer, name);
    std::string words;
    for (const auto& p : problems) words += p.message() + "\n";
    EXPECT_TRUE(problems.empty()) << words;
  }
  // The check can fail: an answer off its schema is caught.
  json off = evaluation_answer();
  off["programmes"][0]["surveys"][0]["answered"] = "eight";
  EXPECT_FALSE(mentoring::schema::validate_against(
                   mentoring::schema::parse_file(std::string(SCHEMAS_DIR) +
                                                 "/commands/evaluation_report.output.schema.json"),
                   off, "off")
                   .empty());
}

TEST_F(HrPages, LoginPageHasTheFormAndThePageHeaders) {
  auto r = get("/hr/northwind/login");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("<form id=\"login\" method=\"post\""), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("<label for=\"token\">"), std::string::npos);
  EXPECT_NE(r->body.find("id=\"token\""), std::string::npos);
  EXPECT_NE(r->body.find("id=\"sign-in\""), std::string::npos);
  EXPECT_NE(r->get_header_value("Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(r->body.find("<script"), std::string::npos);
  // An organisation that does not exist gets the same form: nothing told.
  auto unknown = get("/hr/nowhere/login");
  EXPECT_EQ(unknown->status, 200);
  EXPECT_EQ(std::regex_replace(unknown->body, std::regex("/hr/nowhere/"), "/hr/northwind/"),
            r->body);
  // Signed in already: straight to the programme.
  const std::string session = login("hr-token");
  auto again = get("/hr/northwind/login", session);
  EXPECT_EQ(again->status, 303);
  EXPECT_EQ(again->get_header_value("Location"), "/hr/northwind/");
  EXPECT_TRUE(host.calls().empty());
}

TEST_F(HrPages, GoodHrTokenLogsInWithAStrictHttpOnlyCookieForThisOrganisationsPath) {
  auto r = post("/hr/northwind/login", {{"token", "hr-token"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/hr/northwind/");
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_TRUE(std::regex_search(cookie, std::regex("^mentoring_hr_northwind=[0-9a-f]{64}; ")))
      << cookie;
  EXPECT_NE(cookie.find("; Path=/hr/northwind/"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "no TLS here: " << cookie;
  EXPECT_EQ(cookie.find("hr-token"), std::string::npos) << "the token never leaves in a cookie";
  // Two logins: two different random ids.
  const std::string a = login("hr-token"), b = login("hr-token");
  EXPECT_NE(a, b);
  auto page = get("/hr/northwind/", a);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200) << page->body;
  EXPECT_FALSE(login("admin-token").empty()) << "admins log in too";
}

TEST_F(HrPages, UnderTlsTheCookieIsSecureAndOnlyThisSitesFormsCount) {
  stop();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("hr-pages-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string make =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-keyout '" +
      (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0);
  serve::ServeSettings settings;
  settings.port = 0;
  settings.tls = serve::TlsFiles{dir / "cert.pem", dir / "key.pem"};
  start(settings);
  httplib::SSLClient tls("127.0.0.1", port);
  tls.enable_server_certificate_verification(false);
  const std::string origin = "https://127.0.0.1:" + std::to_string(port);
  auto r = tls.Post("/hr/northwind/login", {{"Origin", origin}, {"Sec-Fetch-Site", "same-origin"}},
                    httplib::Params{{"token", "hr-token"}});
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 303) << r->body;
  EXPECT_NE(r->get_header_value("Set-Cookie").find("; Secure"), std::string::npos)
      << r->get_header_value("Set-Cookie");
  // The same form from the plain-HTTP origin of this host is another site.
  auto other =
      tls.Post("/hr/northwind/login", {{"Origin", "http://127.0.0.1:" + std::to_string(port)}},
               httplib::Params{{"token", "hr-token"}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 403);
  EXPECT_FALSE(other->has_header("Set-Cookie"));
}

// A page sent with Referrer-Policy no-referrer makes Chromium post its forms with
// "Origin: null"; its Sec-Fetch-Site still says same-origin, and that decides.
TEST_F(HrPages, SignInFromThePageItselfWorksWhenTheBrowserSendsOriginNull) {
  auto r = post("/hr/northwind/login", {{"token", "hr-token"}}, "",
                {{"Origin", "null"}, {"Sec-Fetch-Site", "same-origin"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303) << r->body;
  auto cross = post("/hr/northwind/login", {{"token", "hr-token"}}, "",
                    {{"Origin", "null"}, {"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  EXPECT_FALSE(cross->has_header("Set-Cookie"));
}

TEST_F(HrPages, ParticipantTokenIsRefusedWithAClearPage) {
  auto r = post("/hr/northwind/login", {{"token", "mentee-token"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_FALSE(r->has_header("Set-Cookie"));
  EXPECT_NE(r->body.find("for the mentee role"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("id=\"login\""), std::string::npos) << "the form again";
  EXPECT_TRUE(host.calls().empty());
}

TEST_F(HrPages, OtherOrganisationsTokenWrongTokenAndUnknownOrganisationAnswerAlike) {
  auto other = post("/hr/northwind/login", {{"token", "river-token"}});
  auto wrong = post("/hr/northwind/login", {{"token", "mtk_northwind_guess"}});
  auto unknown = post("/hr/nowhere/login", {{"token", "hr-token"}});
  auto empty = post("/hr/northwind/login", {{"token", ""}});
  for (auto* r : {&other, &wrong, &unknown, &empty}) {
    ASSERT_TRUE(*r);
    EXPECT_EQ((*r)->status, 401) << (*r)->body;
    EXPECT_FALSE((*r)->has_header("Set-Cookie"));
  }
  EXPECT_EQ(other->body, wrong->body);
  std::string unknown_body = unknown->body;
  unknown_body = std::regex_replace(unknown_body, std::regex("/hr/nowhere/"), "/hr/northwind/");
  EXPECT_EQ(unknown_body, wrong->body) << "an unknown organisation reads like a wrong token";
  EXPECT_TRUE(host.calls().empty());
}

TEST_F(HrPages, PagesWithoutALiveSessionOfThisOrganisationGoToTheLogin) {
  for (const char* path : {"/hr/northwind/", "/hr/northwind/proposals", "/hr/northwind/supervision",
                           "/hr/northwind/evaluation", "/hr/northwind/?format=csv&table=pairs"}) {
    auto r = get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 303) << path;
    EXPECT_EQ(r->get_header_value("Location"), "/hr/northwind/login") << path;
    auto forged = get(path, std::string(64, 'a'));
    ASSERT_TRUE(forged);
    EXPECT_EQ(forged->status, 303) << path;
  }
  // Riverside's session is no key to northwind's pages, even under northwind's cookie name.
  const std::string riverside = login("river-token", "riverside");
  ASSERT_FALSE(riverside.empty());
  auto r = get("/hr/northwind/", riverside);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_TRUE(host.calls().empty());
}

TEST_F(HrPages, SessionEndsAfterThirtyIdleMinutesAndAfterEightHours) {
  std::string session = login("hr-token");
  ASSERT_FALSE(session.empty());
  host.advance(29min);
  EXPECT_EQ(get("/hr/northwind/", session)->status, 200);
  host.advance(29min);  // 58 min since login, 29 idle
  EXPECT_EQ(get("/hr/northwind/", session)->status, 200);
  host.advance(30min);
  auto idle = get("/hr/northwind/", session);
  EXPECT_EQ(idle->status, 303);
  host.advance(-29min);  // even when the clock steps back, the expired session is gone
  EXPECT_EQ(get("/hr/northwind/", session)->status, 303);

  session = login("hr-token");
  for (int i = 0; i < 19; ++i) {  // active every 25 minutes: 7 h 55 min
    host.advance(25min);
    ASSERT_EQ(get("/hr/northwind/", session)->status, 200) << "after " << (i + 1) * 25 << " min";
  }
  host.advance(5min);  // 8 hours since login
  EXPECT_EQ(get("/hr/northwind/", session)->status, 303);
}

TEST_F(HrPages, LogoutEndsTheSessionAndClearsTheCookie) {
  const std::string session = login("hr-token");
  const std::string csrf = csrf_of(session);
  ASSERT_FALSE(csrf.empty());
  auto r = post("/hr/northwind/logout", {{"csrf", csrf}}, session);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/hr/northwind/login");
  EXPECT_NE(r->get_header_value("Set-Cookie")
                .find("mentoring_hr_northwind=; Path=/hr/northwind/; "
                      "Max-Age=0"),
            std::string::npos)
      << r->get_header_value("Set-Cookie");
  EXPECT_EQ(get("/hr/northwind/", session)->status, 303);
}

TEST_F(HrPages, RevokedTokenEndsItsSessionAtTheNextRequest) {
  const std::string session = login("hr-token");
  EXPECT_EQ(get("/hr/northwind/", session)->status, 200);
  host.revoke("hr-token");
  host.clear_calls();
  EXPECT_EQ(get("/hr/northwind/", session)->status, 303);
  EXPECT_TRUE(host.calls().empty());
}

TEST_F(HrPages, MissingOrWrongCsrfOrAnotherSitesFormIsRefusedAndNothingIsCalled) {
  const std::string session = login("hr-token");
  const std::string csrf = csrf_of(session, "/hr/northwind/proposals");
  ASSERT_FALSE(csrf.empty());
  host.clear_calls();
  const httplib::Params accept{{"action", "accept"}, {"pair_id", "12"}};
  auto missing = post("/hr/northwind/proposals", accept, session);
  httplib::Params wrong_form = accept;
  wrong_form.emplace("csrf", std::string(64, '0'));
  auto wrong = post("/hr/northwind/proposals", wrong_form, session);
  httplib::Params right_form = accept;
  right_form.emplace("csrf", csrf);
  auto cross_site = post("/hr/northwind/proposals", right_form, session,
                         {{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}});
  auto attendance = post("/hr/northwind/supervision",
                         {{"session_id", "4"}, {"person_id", "M1"}, {"attended", "yes"}}, session);
  auto logout = post("/hr/northwind/logout", {}, session);
  for (auto* r : {&missing, &wrong, &cross_site, &attendance, &logout}) {
    ASSERT_TRUE(*r);
    EXPECT_EQ((*r)->status, 403) << (*r)->body;
    EXPECT_NE((*r)->body.find("nothing was changed"), std::string::npos);
  }
  EXPECT_TRUE(host.calls().empty()) << host.calls().front().command;
  EXPECT_EQ(get("/hr/northwind/", session)->status, 200) << "the refused logout ended nothing";
  // Another session's token is no good either.
  const std::string other = login("admin-token");
  httplib::Params other_form = accept;
  other_form.emplace("csrf", csrf_of(other, "/hr/northwind/proposals"));
  host.clear_calls();
  EXPECT_EQ(post("/hr/northwind/proposals", other_form, session)->status, 403);
  EXPECT_TRUE(calls_of("pairing_accept").empty());
}

TEST_F(HrPages, OverviewRendersTheCommandsFiguresAsTables) {
  const std::string session = login("hr-token");
  auto r = get("/hr/northwind/", session);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const std::string& html = r->body;
  for (const char* id : {"enrolments", "open-invitations", "waiting-list", "pairs", "overdue"}) {
    EXPECT_NE(html.find("<table id=\"" + std::string(id) + "\">"), std::string::npos) << id;
    EXPECT_NE(html.find("href=\"?programme=return-to-work&amp;format=csv&amp;table=" +
                        std::string(id) + "\""),
              std::string::npos)
        << id;
  }
  EXPECT_NE(html.find("<caption id=\"pairs-caption\">Pairs and their meetings</caption>"),
            std::string::npos);
  EXPECT_NE(html.find("<th scope=\"col\">Last meeting</th>"), std::string::npos);
  EXPECT_NE(html.find(row({"active", "3"})), std::string::npos) << html;
  EXPECT_NE(html.find(row({"invited", "2"})), std::string::npos);
  EXPECT_NE(html.find(row({"7", "Ada, &quot;the&quot; mentee", "Bob Mentor", "2026-09-01", "3",
                           "2026-11-20", "2026-12-10 14:30 (agreed)",
                           "overdue: no meeting for six weeks", "2"})),
            std::string::npos)
      << html;
  EXPECT_NE(
      html.find(row({"8", "Cy", "Di", "2026-01-05", "5", "none yet", "not planned", "ended", "0"})),
      std::string::npos);
  EXPECT_NE(html.find(row({"Pair meeting overdue", "Ada", "E1", "7", "2026-12-01", "6"})),
            std::string::npos);
  EXPECT_NE(html.find(row({"1", "=HYPERLINK(&quot;http://x&quot;)", "E9", "2026-10-01"})),
            std::string::npos);
  // A name holding markup is shown, never run.
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  // The other programme, chosen from the list.
  EXPECT_NE(html.find("href=\"/hr/northwind/?programme=career-network\""), std::string::npos);
  auto other = get("/hr/northwind/?programme=career-network", session);
  ASSERT_EQ(other->status, 200);
  EXPECT_NE(other->body.find(row({"active", "11"})), std::string::npos);
  EXPECT_EQ(other->body.find("Bob Mentor"), std::string::npos);
}

TEST_F(HrPages, ProposalsShowTheExplanationAndEachActionSendsItsCommandInput) {
  const std::string session = login("hr-token");
  auto page = get("/hr/northwind/proposals", session);
  ASSERT_EQ(page->status, 200);
  const std::string& html = page->body;
  EXPECT_NE(html.find("<table id=\"proposals\">"), std::string::npos);
  EXPECT_NE(html.find("<li>Same kind of leave: 0.30</li><li>Shared themes: 0.55</li>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("id=\"accept-12\""), std::string::npos);
  EXPECT_NE(html.find("id=\"forbid-12\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"accept-13\""), std::string::npos) << "pair 13 is accepted already";
  EXPECT_NE(
      html.find(row({"Eve", "E5", "no eligible mentor", "No mentor shares a theme with Eve."})),
      std::string::npos);
  const std::string csrf = csrf_of(session, "/hr/northwind/proposals");

  struct Case {
    httplib::Params form;
    std::string command;
    json input;
    std::string done;
  };
  const std::vector<Case> cases = {
      {{{"action", "accept"}, {"pair_id", "12"}}, "pairing_accept", {{"pair_id", 12}}, "accepted"},
      {{{"action", "lock"}, {"pair_id", "12"}}, "pairing_lock", {{"pair_id", 12}}, "locked"},
      {{{"action", "unlock"}, {"pair_id", "12"}},
       "pairing_lock",
       {{"pair_id", 12}, {"unlock", true}},
       "unlocked"},
      {{{"action", "forbid"}, {"mentee_id", "E1"}, {"mentor_id", "M1"}},
       "pairing_forbid",
       {{"programme", "return-to-work"}, {"mentee_id", "E1"}, {"mentor_id", "M1"}},
       "forbidden"},
  };
  for (const auto& c : cases) {
    host.clear_calls();
    httplib::Params form = c.form;
    form.emplace("csrf", csrf);
    form.emplace("programme", "return-to-work");
    auto r = post("/hr/northwind/proposals", form, session);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 303) << r->body;
    EXPECT_EQ(r->get_header_value("Location"),
              "/hr/northwind/proposals?done=" + c.done + "&programme=return-to-work");
    const auto calls = calls_of(c.command);
    ASSERT_EQ(calls.size(), 1u) << c.command;
    EXPECT_EQ(calls[0].input, c.input) << calls[0].input.dump();
    auto back = get(r->get_header_value("Location"), session);
    EXPECT_NE(back->body.find("<p class=\"notice\" id=\"result\" role=\"status\">"),
              std::string::npos)
        << c.done;
  }
  // Where the pair must accept too, HR's acceptance says it waits for them.
  host.set_answer("pairing_accept",
                  {{"proposal_id", 12}, {"state", "proposed"}, {"waiting_for", {"E1"}}});
  auto waiting = post("/hr/northwind/proposals",
                      {{"csrf", csrf}, {"action", "accept"}, {"pair_id", "12"}}, session);
  EXPECT_EQ(waiting->get_header_value("Location"), "/hr/northwind/proposals?done=waiting");
  // A malformed pair id never reaches the plugin.
  host.clear_calls();
  auto bad = post("/hr/northwind/proposals",
                  {{"csrf", csrf}, {"action", "accept"}, {"pair_id", "12 OR 1=1"}}, session);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("pair_id: found"), std::string::npos);
  auto unknown = post("/hr/northwind/proposals",
                      {{"csrf", csrf}, {"action", "delete"}, {"pair_id", "12"}}, session);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_TRUE(host.calls().empty());
}

TEST_F(HrPages, SupervisionShowsGroupsAndAttendanceAndRecordsIt) {
  const std::string session = login("hr-token");
  auto page = get("/hr/northwind/supervision", session);
  ASSERT_EQ(page->status, 200);
  const std::string& html = page->body;
  // Members by name where the groups name them (M2's name is unknown: the id alone).
  EXPECT_NE(html.find(row({"4", "1", "2", "2026-11-10", "Mira Mentor (M1), M2", "Mira Mentor (M1)",
                           "", "M2"})),
            std::string::npos)
      << html;
  EXPECT_NE(html.find(row({"1", "Mira Mentor (M1), M2", "1", "1", "0"})), std::string::npos);
  EXPECT_NE(html.find(row({"2", "Theo &lt;b&gt;Mentor&lt;/b&gt; (M3)", "1", "0", "1"})),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<option value=\"M1\">Mira Mentor (M1)</option>"), std::string::npos);
  EXPECT_NE(html.find("<form id=\"attendance\""), std::string::npos);
  EXPECT_NE(html.find("<label for=\"attendance-person\">"), std::string::npos);
  const std::string csrf = csrf_of(session, "/hr/northwind/supervision");
  host.clear_calls();
  auto r = post("/hr/northwind/supervision",
                {{"csrf", csrf},
                 {"programme", "return-to-work"},
                 {"session_id", "4"},
                 {"person_id", "M2"},
                 {"attended", "no"}},
                session);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(r->get_header_value("Location"),
            "/hr/northwind/supervision?done=recorded&programme=return-to-work");
  const auto calls = calls_of("supervision_attendance");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].input, (json{{"session_id", 4}, {"person_id", "M2"}, {"attended", false}}));
}

TEST_F(HrPages, SupervisionOfAnOrganisationWithSeveralProgrammesOffersThem) {
  const std::string session = login("hr-token");
  host.require_programme("supervision_sessions");
  auto r = get("/hr/northwind/supervision", session);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find("href=\"/hr/northwind/supervision?programme=return-to-work\">Return to "
                         "work</a>"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("?programme=career-network\">Career network</a>"), std::string::npos);
  EXPECT_EQ(r->body.find("<table"), std::string::npos);
  host.clear_calls();
  auto chosen = get("/hr/northwind/supervision?programme=return-to-work", session);
  EXPECT_EQ(chosen->status, 200);
  EXPECT_NE(chosen->body.find("<table id=\"supervision-sessions\">"), std::string::npos);
  const auto calls = calls_of("supervision_sessions");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].input, (json{{"programme", "return-to-work"}}));
}

TEST_F(HrPages, EvaluationDrawsChartsBesideTablesAndShowsSuppressedFiguresAsSuppressed) {
  const std::string session = login("hr-token");
  auto page = get("/hr/northwind/evaluation", session);
  ASSERT_EQ(page->status, 200);
  const std::string& html = page->body;
  EXPECT_NE(
      html.find("<svg id=\"chart-response\" role=\"img\" aria-labelledby=\"chart-response-title "
                "chart-response-desc\""),
      std::string::npos)
      << html;
  EXPECT_NE(html.find("<title id=\"chart-response-title\">Response rate per survey</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<desc id=\"chart-response-desc\">"), std::string::npos);
  EXPECT_NE(html.find("<svg id=\"chart-retention\""), std::string::npos);
  EXPECT_NE(html.find("<svg id=\"chart-participants\""), std::string::npos);
  // 8 of 10 answered: a bar of 80 % of the full width (480), and the table says so.
  EXPECT_NE(html.find("<rect x=\"0\" y=\"20\" width=\"384.0\""), std::string::npos);
  EXPECT_NE(html.find(row({"Mid-point", "mentee", "10", "8", "80 %"})), std::string::npos) << html;
  // A suppressed survey: the word, never a zero.
  EXPECT_NE(html.find(row(
                {"Mentor check", "mentor", "3", "suppressed: fewer than 5 answers", "suppressed"})),
            std::string::npos);
  EXPECT_NE(html.find("class=\"suppressed\">suppressed</text>"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex("[^0-9]0 %")))
      << "a suppressed rate read as zero";
  EXPECT_NE(
      html.find(row({"How useful was it?", "Mid-point", "mentee", "scale 1 5", "8", "mean 4.2"})),
      std::string::npos);
  EXPECT_NE(html.find(row({"Would you recommend it?", "Mid-point", "mentee", "yes no", "suppressed",
                           "suppressed: fewer than 5 answers"})),
            std::string::npos);
  EXPECT_NE(html.find(row({"6", "12", "9", "75 %", "suppressed: fewer than 5 returners",
                           "suppressed", "suppressed"})),
            std::string::npos);
  EXPECT_NE(html.find(row({"2026", "4", "2000.00 GBP"})), std::string::npos);
  EXPECT_NE(html.find(row({"6", "8"})), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST_F(HrPages, CsvExportQuotesFieldsAndNeutralisesFormulas) {
  const std::string session = login("hr-token");
  auto waiting =
      get("/hr/northwind/?programme=return-to-work&format=csv&table=waiting-list", session);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->status, 200);
  EXPECT_EQ(waiting->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(waiting->get_header_value("Content-Disposition").find("northwind-waiting-list.csv"),
            std::string::npos);
  EXPECT_EQ(waiting->body,
            "Position,Name,Person id,Waiting since\r\n"
            "1,\"'=HYPERLINK(\"\"http://x\"\")\",E9,2026-10-01\r\n");
  auto pairs = get("/hr/northwind/?format=csv&table=pairs", session);
  EXPECT_EQ(pairs->body,
            "Pair,Mentee,Mentor,Started,Meetings held,Last meeting,Next meeting,Status,Missed "
            "meetings\r\n"
            "7,\"Ada, \"\"the\"\" mentee\",Bob Mentor,2026-09-01,3,2026-11-20,2026-12-10 14:30 "
            "(agreed),overdue: no meeting for six weeks,2\r\n"
            "8,Cy,Di,2026-01-05,5,none yet,not planned,ended,0\r\n");
  // The action column is not exported; the explanation is, in words.
  auto proposals = get("/hr/northwind/proposals?format=csv&table=proposals", session);
  EXPECT_EQ(
      proposals->body,
      "Pair,Mentee,Mentor,State,Score,Why (points per criterion),Locked\r\n"
      "12,Ada (E1),Bob (M1),proposed,0.85,Same kind of leave: 0.30; Shared themes: 0.55,no\r\n"
      "13,Cy (E2),Di (M2),accepted,0.50,Same location: 0.50,yes\r\n");
  auto missing = get("/hr/northwind/?format=csv&table=salaries", session);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HrPages, EveryCommandRunsAsTheLoggedInCallerWhateverTheRequestSays) {
  const std::string session = login("hr-token");
  host.clear_calls();
  const httplib::Headers claims{{"Authorization", "Bearer admin-token"}, {"X-Role", "admin"}};
  for (const char* path : {"/hr/northwind/?role=admin", "/hr/northwind/proposals?role=admin",
                           "/hr/northwind/supervision", "/hr/northwind/evaluation"}) {
    EXPECT_EQ(get(path, session, claims)->status, 200) << path;
  }
  const auto calls = host.calls();
  ASSERT_EQ(calls.size(), 4u);
  std::vector<std::string> commands;
  for (const auto& c : calls) {
    commands.push_back(c.command);
    EXPECT_EQ(c.caller.organisation, "northwind");
    EXPECT_EQ(c.caller.role, Role::hr);
    EXPECT_EQ(c.caller.name, "Priya (HR)");
  }
  EXPECT_EQ(commands, (std::vector<std::string>{"programme_overview", "pairing_proposals",
                                                "supervision_sessions", "evaluation_report"}));
  const std::string admin = login("admin-token");
  host.clear_calls();
  get("/hr/northwind/evaluation", admin);
  ASSERT_EQ(host.calls().size(), 1u);
  EXPECT_EQ(host.calls()[0].caller.role, Role::admin);
}

TEST_F(HrPages, CommandFailuresShowAClearPageNeverTheDetail) {
  const std::string session = login("hr-token");
  struct Case {
    std::exception_ptr error;
    int status;
    std::string words;
  };
  const std::vector<Case> cases = {
      {std::make_exception_ptr(mentoring::host::PermissionError("role hr may not run x")), 403,
       "Your role may not do this"},
      {std::make_exception_ptr(mentoring::host::NotFoundError("no pair 99")), 404, "Not found"},
      {std::make_exception_ptr(mentoring::host::BusyError("organisation busy")), 503,
       "Try again in a few seconds"},
      {std::make_exception_ptr(std::runtime_error("sqlite: disk I/O error at /secret/path")), 500,
       "its log says why"},
  };
  for (const auto& c : cases) {
    host.fail_with(c.error);
    auto r = get("/hr/northwind/proposals", session);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status);
    EXPECT_NE(r->body.find(c.words), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("id=\"error\" role=\"alert\""), std::string::npos);
    EXPECT_EQ(r->body.find("/secret/path"), std::string::npos);
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
    if (c.status == 503) {
      EXPECT_EQ(r->get_header_value("Retry-After"), "5");
    }
  }
}

TEST_F(HrPages, FailedLoginsAreBoundedPerAddressAndTheBoundEnds) {
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(post("/hr/northwind/login", {{"token", "x"}})->status, 401);
  const int before = host.authentications();
  auto refused = post("/hr/northwind/login", {{"token", "hr-token"}});
  EXPECT_EQ(refused->status, 429);
  EXPECT_FALSE(refused->has_header("Set-Cookie"));
  EXPECT_EQ(host.authentications(), before) << "the token was not even looked at";
  host.advance(15min);
  EXPECT_FALSE(login("hr-token").empty());
}

// Every page: ids unique, every visible field labelled, every table captioned
// with column headers, every chart titled; no script anywhere.
TEST_F(HrPages, EveryPageHasUniqueIdsLabelledFieldsCaptionedTablesAndNoScript) {
  const std::string session = login("hr-token");
  for (const char* path : {"/hr/northwind/login", "/hr/northwind/", "/hr/northwind/proposals",
                           "/hr/northwind/supervision", "/hr/northwind/evaluation"}) {
    auto r = get(path, std::string(path) == "/hr/northwind/login" ? "" : session);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << path;
    const std::string& html = r->body;
    std::set<std::string> ids;
    const std::regex id_attribute(R"re( id="([^"]+)")re");
    for (std::sregex_iterator it(html.begin(), html.end(), id_attribute), end; it != end; ++it) {
      EXPECT_TRUE(ids.insert((*it)[1]).second) << path << ": id " << (*it)[1] << " twice";
    }
    const std::regex field(R"re(<(input|select|textarea)\b[^>]*>)re");
    for (std::sregex_iterator it(html.begin(), html.end(), field), end; it != end; ++it) {
      const std::string tag = (*it)[0];
      if (tag.find("type=\"hidden\"") != std::string::npos) continue;
      std::smatch id;
      ASSERT_TRUE(std::regex_search(tag, id, std::regex(R"re(id="([^"]+)")re"))) << path << tag;
      EXPECT_NE(html.find("<label for=\"" + id[1].str() + "\">"), std::string::npos)
          << path << ": " << tag << " has no label";
    }
    const auto count = [&](const std::string& text) {
      std::size_t n = 0;
      for (auto at = html.find(text); at != std::string::npos; at = html.find(text, at + 1)) ++n;
      return n;
    };
    EXPECT_EQ(count("<table "), count("<caption "));
    EXPECT_EQ(count("<table "), count("<thead><tr><th scope=\"col\">"));
    EXPECT_EQ(count("<svg "), count("<title id="));
    EXPECT_EQ(count("<svg "), count(" role=\"img\""));
    EXPECT_EQ(html.find("<script"), std::string::npos);
  }
}

}  // namespace
