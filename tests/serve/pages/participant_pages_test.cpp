// The participant pages (/l/{org}/{token}) on an in-process ApiServer on
// 127.0.0.1 (port 0), with a fake plugin answering link_open and link_act as
// issue15-contract.md says: every purpose rendered with its fields and labels,
// each form mapped to link_act's answer, wrong answers shown beside their
// field with the values kept, every invalid link's page and status (nothing
// changed), cross-origin and oversized posts refused, data HTML-escaped, the
// headers present, and the token in no metric and no log line.
#include "participant_form.hpp"

#include <mentoring/host/org_lock.hpp>
#include <mentoring/host/runtime.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/serve/metrics.hpp>
#include <mentoring/serve/server.hpp>

#include <gtest/gtest.h>
#include <httplib.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using mentoring::host::Caller;
using namespace std::chrono_literals;

constexpr const char* kOrg = "northwind";
// Tokens as the contract shapes them: base64url pieces joined by '.'.
constexpr const char* kInvitation = "aW52aXRl.bWVudGVl.c2ln1";
constexpr const char* kMentorInvitation = "aW52aXRl.bWVudG9y.c2ln2";
constexpr const char* kProposal = "cHJvcG9zYWw.c2ln3";
constexpr const char* kPair = "cGFpcg.c2ln4";
constexpr const char* kSurvey = "c3VydmV5.c2ln5";

json programme() {
  return {{"id", "return-b"}, {"name", "Return to work <B>"}};
}

json invitation_view(const std::string& role) {
  return {{"programme", programme()},
          {"role", role},
          {"respond_by", "2027-01-05"},
          {"consent_text",
           "We keep your goal and meeting notes for the programme.\nYou can withdraw at any time."},
          {"asks_goal", role == "mentee"},
          {"asks_wishes", role == "mentee"}};
}

// The plugin's side of the contract: link_open and link_act over a few links.
class FakeLinks {
 public:
  FakeLinks() {
    links_[kInvitation] = open("invitation", {{"person_id", "E1"}, {"name", "Ada Example"}},
                               invitation_view("mentee"));
    links_[kMentorInvitation] = open("invitation", {{"person_id", "E2"}, {"name", "Ben Mentor"}},
                                     invitation_view("mentor"));
    links_[kProposal] = open(
        "mentor_proposal", {{"person_id", "E2"}, {"name", "Ben Mentor"}},
        {{"programme", programme()},
         {"mentee", {{"name", "Ada Example"}, {"goal", "Lead my team again after leave"}}},
         {"explanation",
          json::array({{{"criterion", "other_department"}, {"words", "Finance, not Sales"}},
                       {{"criterion", "experience"}, {"words", "Returned from leave in 2024"}}})},
         {"respond_by", "2027-01-10"}});
    links_[kPair] = open(
        "pair", {{"person_id", "E1"}, {"name", "Ada Example"}},
        {{"programme", programme()},
         {"pair_id", "P1"},
         {"me", "mentee"},
         {"other", {{"name", "Ben Mentor"}, {"email", "ben@example.org"}}},
         {"next_meeting", {{"date", "2027-01-12"}, {"start_time", "14:30"}}},
         {"goal", "Lead my team again after leave"},
         {"notes",
          json::array({{{"date", "2026-12-01"}, {"by", "mentor"}, {"text", "Read the team plan"}},
                       {{"date", "2026-12-02"},
                        {"by", "mentee"},
                        {"text", "Done, questions for next time"}}})},
         {"meetings", json::array({{{"date", "2026-11-20"}, {"duration_minutes", 45}},
                                   {{"date", "2026-12-01"}, {"duration_minutes", nullptr}}})}});
    // As the plugin maps a programme's survey (kinds as programme.schema.json has them).
    links_[kSurvey] =
        json{{"valid", true},
             {"purpose", "survey"},
             {"expires_on", "2027-02-01"},
             {"person", nullptr},
             {"view",
              {{"programme", programme()},
               {"survey",
                {{"id", "end"},
                 {"title", "How was the programme?"},
                 {"questions", json::array({{{"id", "useful"},
                                             {"text", "How useful was it?"},
                                             {"kind", "scale_1_5"},
                                             {"min", 1},
                                             {"max", 5},
                                             {"optional", false}},
                                            {{"id", "again"},
                                             {"text", "Would you take part again?"},
                                             {"kind", "yes_no"},
                                             {"optional", false}},
                                            {{"id", "helped"},
                                             {"text", "What helped you most?"},
                                             {"kind", "choice"},
                                             {"options", {"keeping in touch", "re-entry planning"}},
                                             {"optional", false}},
                                            {{"id", "weeks"},
                                             {"text", "Weeks until fully productive?"},
                                             {"kind", "number"},
                                             {"optional", true}},
                                            {{"id", "better"},
                                             {"text", "What would make it better?"},
                                             {"kind", "text"},
                                             {"optional", true}}})}}}}}};
    refusals_ = {{"expired", "This link expired on 5 January 2027."},
                 {"forged", "This link was not made by this programme."},
                 {"other_organisation", "This link belongs to another organisation."},
                 {"withdrawn", "The invitation was withdrawn on 2 December 2026."},
                 {"gone", "The pair has ended."},
                 {"malformed", "The link is not whole."}};
    for (const auto& [reason, words] : refusals_) {
      links_["refused." + reason] = {{"valid", false}, {"reason", reason}, {"words", words}};
    }
    links_["refused.used"] = {{"valid", false},
                              {"reason", "used"},
                              {"words", "This link was used already."},
                              {"outcome", "declined"},
                              {"on", "2026-12-03"}};
  }

  static json open(const std::string& purpose, const json& person, const json& view) {
    return {{"valid", true},
            {"purpose", purpose},
            {"expires_on", "2027-01-05"},
            {"person", person},
            {"view", view}};
  }

  json command(const Caller& caller, const std::string& name, const json& input) {
    std::lock_guard lock(mutex_);
    callers_.push_back(caller);
    commands_.push_back(name);
    if (fail_with_) fail_with_();
    const std::string token = input.at("token").get<std::string>();
    auto link = links_.find(token);
    if (name == "link_open") {
      if (link == links_.end()) return {{"valid", false}, {"reason", "forged"}, {"words", "no"}};
      return link->second;
    }
    if (name != "link_act") throw std::logic_error("no command " + name);
    act_inputs_.push_back(input);
    if (link == links_.end() || !link->second.value("valid", false)) {
      json refusal = link == links_.end()
                         ? json{{"reason", "forged"}, {"words", "This link was not made here."}}
                         : link->second;
      refusal.erase("valid");
      refusal["done"] = false;
      return refusal;
    }
    const json& answer = input.at("answer");
    if (act_error_) throw mentoring::host::CommandInputError(act_error_(answer));
    if (act_answer_) return *act_answer_;
    acts_.push_back(answer);
    const std::string purpose = link->second["purpose"];
    std::string outcome = "answered";
    if (purpose == "invitation" || purpose == "mentor_proposal") {
      if (purpose == "invitation" && answer["decision"] == "accept" &&
          answer.value("consent", false) != true)
        throw mentoring::host::CommandInputError(
            "link_act: /answer/consent: found false; expected true to accept");
      outcome = answer["decision"] == "accept" ? "accepted" : "declined";
    } else if (purpose == "pair") {
      outcome = answer["action"] == "log_meeting" ? "logged" : "moved";
    }
    if (purpose != "pair") {
      link->second = {{"valid", false},
                      {"reason", "used"},
                      {"words", "This link was used already."},
                      {"outcome", outcome},
                      {"on", "2026-12-07"}};
    }
    act_outputs_.push_back(
        {{"done", true}, {"purpose", purpose}, {"outcome", outcome}, {"words", "Done."}});
    return act_outputs_.back();
  }

  // Every link_act input received, whatever came of it.
  std::vector<json> act_inputs() {
    std::lock_guard lock(mutex_);
    return act_inputs_;
  }
  std::vector<json> act_outputs() {
    std::lock_guard lock(mutex_);
    return act_outputs_;
  }
  std::vector<std::string> tokens() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [token, answer] : links_) out.push_back(token);
    return out;
  }
  std::vector<json> acts() {
    std::lock_guard lock(mutex_);
    return acts_;
  }
  std::vector<std::string> commands() {
    std::lock_guard lock(mutex_);
    return commands_;
  }
  std::vector<Caller> callers() {
    std::lock_guard lock(mutex_);
    return callers_;
  }
  void set_link(const std::string& token, json answer) {
    std::lock_guard lock(mutex_);
    links_[token] = std::move(answer);
  }
  json link(const std::string& token) {
    std::lock_guard lock(mutex_);
    return links_.at(token);
  }
  // link_act refuses every answer with these words.
  void refuse_answers(std::function<std::string(const json&)> words) {
    std::lock_guard lock(mutex_);
    act_error_ = std::move(words);
  }
  // link_act answers this, whatever it was sent (and records nothing).
  void answer_acts_with(json answer) {
    std::lock_guard lock(mutex_);
    act_answer_ = std::move(answer);
  }
  // Every command throws.
  void fail_with(std::function<void()> thrower) {
    std::lock_guard lock(mutex_);
    fail_with_ = std::move(thrower);
  }
  const std::map<std::string, std::string>& refusals() const { return refusals_; }

 private:
  std::mutex mutex_;
  std::map<std::string, json> links_;
  std::map<std::string, std::string> refusals_;
  std::vector<json> acts_, act_inputs_, act_outputs_;
  std::vector<std::string> commands_;
  std::vector<Caller> callers_;
  std::function<std::string(const json&)> act_error_;
  std::function<void()> fail_with_;
  std::optional<json> act_answer_;
};

// An element's opening tag by id ("" when absent).
std::string tag_with_id(const std::string& html, const std::string& id) {
  std::smatch m;
  const std::regex pattern("<[a-z0-9]+[^>]*\\sid=\"" + id + "\"[^>]*>");
  return std::regex_search(html, m, pattern) ? m.str() : "";
}

std::string attribute(const std::string& tag, const std::string& name) {
  std::smatch m;
  return std::regex_search(tag, m, std::regex("\\s" + name + "=\"([^\"]*)\"")) ? m[1].str() : "";
}

// The text of <textarea id=...>...</textarea>.
std::string textarea_text(const std::string& html, const std::string& id) {
  std::smatch m;
  const std::regex pattern("<textarea[^>]*\\sid=\"" + id + "\"[^>]*>([^<]*)</textarea>");
  return std::regex_search(html, m, pattern) ? m[1].str() : "<absent>";
}

bool has_label_for(const std::string& html, const std::string& id) {
  return html.find("<label for=\"" + id + "\">") != std::string::npos;
}

class ParticipantPages : public ::testing::Test {
 protected:
  void SetUp() override {
    settings.host = "127.0.0.1";
    settings.port = 0;
    settings.threads = 4;
    settings.max_body_bytes = 1 << 20;
    settings.request_timeout_seconds = 5;
    metrics = std::make_unique<mentoring::serve::Metrics>(std::vector<std::string>{kOrg});
    mentoring::serve::ApiHandlers handlers;
    handlers.authenticate = [](std::string_view) { return std::optional<Caller>(); };
    handlers.command = [this](const Caller& caller, const std::string& name, const json& input) {
      return fake.command(caller, name, input);
    };
    handlers.ready = [] { return true; };
    server = std::make_unique<mentoring::serve::ApiServer>(settings, *metrics, handlers);
    port = server->bind();
    serving = std::thread([this] { server->listen(); });
    for (int i = 0; i < 500 && !server->running(); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(server->running());
  }

  void TearDown() override {
    server->stop();
    serving.join();
  }

  static std::string path(const std::string& token, const std::string& org = kOrg) {
    return "/l/" + org + "/" + token;
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port); }

  httplib::Result get(const std::string& target) const {
    httplib::Client client("127.0.0.1", port);
    return client.Get(target.c_str());
  }
  // A form post as a browser sends it from the page itself.
  httplib::Result post(const std::string& target, const std::string& body,
                       httplib::Headers headers = {}) const {
    httplib::Client client("127.0.0.1", port);
    if (headers.empty()) {
      headers = {{"Origin", origin()}, {"Sec-Fetch-Site", "same-origin"}};
    }
    return client.Post(target.c_str(), headers, body, "application/x-www-form-urlencoded");
  }

  mentoring::serve::ServeSettings settings;
  std::unique_ptr<mentoring::serve::Metrics> metrics;
  FakeLinks fake;
  std::unique_ptr<mentoring::serve::ApiServer> server;
  std::thread serving;
  int port = 0;
};

// ---- each purpose rendered -----------------------------------------------------

TEST_F(ParticipantPages,
       InvitationShowsTheConsentTextBeforeTheCheckboxAndAsksAMenteeGoalAndWishes) {
  auto r = get(path(kInvitation));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  const std::string& html = r->body;
  EXPECT_NE(tag_with_id(html, "answer"), "");
  EXPECT_EQ(attribute(tag_with_id(html, "answer"), "method"), "post");
  EXPECT_EQ(attribute(tag_with_id(html, "answer"), "action"), path(kInvitation));
  const auto consent_text = html.find("We keep your goal");
  const auto checkbox = html.find(tag_with_id(html, "consent"));
  ASSERT_NE(consent_text, std::string::npos);
  ASSERT_NE(tag_with_id(html, "consent"), "");
  EXPECT_LT(consent_text, checkbox) << "the consent text comes before the checkbox";
  EXPECT_EQ(attribute(tag_with_id(html, "consent"), "type"), "checkbox");
  EXPECT_EQ(attribute(tag_with_id(html, "consent"), "aria-describedby"), "consent-text");
  for (const char* id : {"consent", "goal", "wishes", "reason"}) {
    EXPECT_TRUE(has_label_for(html, id)) << id;
  }
  EXPECT_EQ(attribute(tag_with_id(html, "accept"), "value"), "accept");
  EXPECT_EQ(attribute(tag_with_id(html, "decline"), "value"), "decline");
  EXPECT_NE(html.find("Hello Ada Example"), std::string::npos);
  EXPECT_NE(html.find("as a mentee"), std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2027-01-05\">5 January 2027</time>"), std::string::npos);
}

TEST_F(ParticipantPages, AMentorsInvitationAsksNoGoalOrWishes) {
  auto r = get(path(kMentorInvitation));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(tag_with_id(r->body, "goal"), "");
  EXPECT_EQ(tag_with_id(r->body, "wishes"), "");
  EXPECT_NE(tag_with_id(r->body, "consent"), "");
  EXPECT_NE(tag_with_id(r->body, "reason"), "");
  EXPECT_NE(r->body.find("as a mentor"), std::string::npos);
}

TEST_F(ParticipantPages, MentorProposalShowsTheMenteeAndEachCriterion) {
  auto r = get(path(kProposal));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  const std::string& html = r->body;
  EXPECT_NE(html.find("<strong>Ada Example</strong>"), std::string::npos);
  EXPECT_NE(html.find("Lead my team again after leave"), std::string::npos);
  EXPECT_NE(html.find("<dt>Other department</dt><dd>Finance, not Sales</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Experience</dt><dd>Returned from leave in 2024</dd>"),
            std::string::npos);
  EXPECT_NE(tag_with_id(html, "answer"), "");
  EXPECT_NE(tag_with_id(html, "accept"), "");
  EXPECT_NE(tag_with_id(html, "decline"), "");
  EXPECT_TRUE(has_label_for(html, "reason"));
  EXPECT_EQ(tag_with_id(html, "consent"), "") << "a mentor's answer to a proposal takes no consent";
}

TEST_F(ParticipantPages, PairPageShowsNextMeetingGoalNotesMeetingsAndBothForms) {
  auto r = get(path(kPair));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  const std::string& html = r->body;
  EXPECT_NE(html.find("<title>Your mentoring with Ben Mentor</title>"), std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2027-01-12\">12 January 2027</time> at 14:30"),
            std::string::npos);
  EXPECT_NE(html.find("<h2>Your goal</h2>\n<p class=\"text\" id=\"pair-goal\">Lead my team again "
                      "after leave</p>"),
            std::string::npos);
  EXPECT_NE(html.find("Read the team plan"), std::string::npos);
  EXPECT_NE(html.find("1 December 2026</time>, Ben Mentor"), std::string::npos);
  EXPECT_NE(html.find("2 December 2026</time>, you"), std::string::npos);
  EXPECT_NE(html.find("45 minutes"), std::string::npos);
  EXPECT_NE(html.find("not recorded"), std::string::npos);
  EXPECT_NE(html.find("mailto:ben@example.org"), std::string::npos);
  EXPECT_NE(tag_with_id(html, "log-meeting"), "");
  EXPECT_NE(tag_with_id(html, "move-next"), "");
  for (const char* id :
       {"meeting-date", "meeting-duration", "meeting-notes", "next-date", "next-time"}) {
    EXPECT_TRUE(has_label_for(html, id)) << id;
  }
  EXPECT_EQ(attribute(tag_with_id(html, "meeting-date"), "type"), "date");
  EXPECT_EQ(attribute(tag_with_id(html, "next-time"), "type"), "time");
  EXPECT_NE(html.find("name=\"action\" value=\"log_meeting\""), std::string::npos);
  EXPECT_NE(html.find("name=\"action\" value=\"move_next\""), std::string::npos);
  EXPECT_EQ(tag_with_id(html, "result"), "") << "no notice before anything was done";
}

TEST_F(ParticipantPages, SurveyHasOneInputPerQuestionByKind) {
  auto r = get(path(kSurvey));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  const std::string& html = r->body;
  EXPECT_NE(html.find("<title>How was the programme?</title>"), std::string::npos);
  EXPECT_NE(tag_with_id(html, "survey"), "");
  EXPECT_NE(tag_with_id(html, "submit"), "");
  // scale: radio buttons 1..5 in a fieldset with the question as legend
  const std::regex scale(R"(<fieldset id="q-useful"[^>]*>\s*<legend>How useful was it\?</legend>)");
  EXPECT_TRUE(std::regex_search(html, scale)) << html;
  for (int point = 1; point <= 5; ++point) {
    const std::string id = "q-useful-" + std::to_string(point);
    EXPECT_EQ(attribute(tag_with_id(html, id), "type"), "radio") << id;
    EXPECT_EQ(attribute(tag_with_id(html, id), "name"), "q-useful") << id;
    EXPECT_TRUE(has_label_for(html, id)) << id;
  }
  EXPECT_EQ(tag_with_id(html, "q-useful-6"), "");
  EXPECT_TRUE(std::regex_search(
      html, std::regex(R"(<fieldset id="q-again"[^>]*>\s*<legend>Would you take part again\?)")));
  EXPECT_EQ(attribute(tag_with_id(html, "q-again-yes"), "name"), "q-again");
  EXPECT_EQ(attribute(tag_with_id(html, "q-again-no"), "name"), "q-again");
  EXPECT_EQ(attribute(tag_with_id(html, "q-better"), "name"), "q-better");
  EXPECT_NE(html.find("What would make it better? (optional)</label>"), std::string::npos);
  // choice: one radio button per option, the option's words as value and label
  EXPECT_TRUE(std::regex_search(
      html,
      std::regex(R"(<fieldset id="q-helped"[^>]*>\s*<legend>What helped you most\?</legend>)")));
  EXPECT_EQ(attribute(tag_with_id(html, "q-helped-1"), "value"), "keeping in touch");
  EXPECT_EQ(attribute(tag_with_id(html, "q-helped-2"), "value"), "re-entry planning");
  EXPECT_NE(html.find("<label for=\"q-helped-2\">re-entry planning</label>"), std::string::npos);
  // number: a text field that brings up a number pad
  EXPECT_EQ(attribute(tag_with_id(html, "q-weeks"), "inputmode"), "decimal");
  EXPECT_EQ(attribute(tag_with_id(html, "q-weeks"), "name"), "q-weeks");
  EXPECT_TRUE(has_label_for(html, "q-weeks"));
  EXPECT_EQ(html.find("Ada"), std::string::npos) << "a survey names nobody";
}

TEST_F(ParticipantPages, BothCommandsRunAsTheSystemCallerOfTheLinksOrganisation) {
  ASSERT_TRUE(get(path(kPair)));
  ASSERT_TRUE(post(path(kPair), "action=move_next&date=2027-01-19"));
  const auto callers = fake.callers();
  ASSERT_EQ(callers.size(), 3u);  // link_open, link_open, link_act
  for (const auto& caller : callers) {
    EXPECT_EQ(caller.organisation, kOrg);
    EXPECT_EQ(caller.role, mentoring::host::Role::system);
    EXPECT_EQ(caller.person_id, "");
    EXPECT_EQ(caller.name, "link");
  }
  EXPECT_EQ(fake.commands(), (std::vector<std::string>{"link_open", "link_open", "link_act"}));
}

// ---- answers sent --------------------------------------------------------------

TEST_F(ParticipantPages, AcceptingAnInvitationSendsConsentGoalAndWishesThenShowsTheResult) {
  auto r = post(path(kInvitation),
                "consent=yes&goal=Lead+my+team%0Aagain&wishes=Someone+from+Finance&reason="
                "&decision=accept");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(r->get_header_value("Location"), path(kInvitation) + "?done=accepted");
  EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer");
  ASSERT_EQ(fake.acts().size(), 1u);
  EXPECT_EQ(fake.acts()[0], (json{{"decision", "accept"},
                                  {"consent", true},
                                  {"goal", "Lead my team\nagain"},
                                  {"wishes", "Someone from Finance"}}));
  auto after = get(r->get_header_value("Location"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << after->body;
  EXPECT_NE(tag_with_id(after->body, "result"), "");
  EXPECT_NE(after->body.find("You accepted"), std::string::npos);
  EXPECT_NE(after->body.find("7 December 2026"), std::string::npos);
  // Opened again later from the mail: spent, and says what was done and when.
  auto again = get(path(kInvitation));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 410);
  EXPECT_EQ(attribute(tag_with_id(again->body, "invalid"), "data-reason"), "used");
  EXPECT_NE(again->body.find("It was used to accept on 7 December 2026."), std::string::npos);
}

TEST_F(ParticipantPages, DecliningAnInvitationSendsTheReasonAndNoConsentOrGoal) {
  auto r = post(path(kInvitation), "goal=ignored&reason=Not+this+year&decision=decline");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(r->get_header_value("Location"), path(kInvitation) + "?done=declined");
  ASSERT_EQ(fake.acts().size(), 1u);
  EXPECT_EQ(fake.acts()[0], (json{{"decision", "decline"}, {"reason", "Not this year"}}));
}

TEST_F(ParticipantPages, AMentorAnswersAProposal) {
  auto r = post(path(kProposal), "decision=accept&reason=");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(r->get_header_value("Location"), path(kProposal) + "?done=accepted");
  ASSERT_EQ(fake.acts().size(), 1u);
  EXPECT_EQ(fake.acts()[0], (json{{"decision", "accept"}}));
  EXPECT_EQ(fake.acts()[0].count("consent"), 0u);

  fake.set_link(kProposal, FakeLinks::open("mentor_proposal", {{"name", "Ben"}},
                                           {{"programme", programme()},
                                            {"mentee", {{"name", "Ada"}, {"goal", nullptr}}},
                                            {"explanation", json::array()},
                                            {"respond_by", nullptr}}));
  auto shown = get(path(kProposal));
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->status, 200) << shown->body;
  EXPECT_NE(shown->body.find("They have not written one yet."), std::string::npos);
  auto declined = post(path(kProposal), "decision=decline&reason=Too+busy+in+January");
  ASSERT_TRUE(declined);
  EXPECT_EQ(declined->status, 303) << declined->body;
  ASSERT_EQ(fake.acts().size(), 2u);
  EXPECT_EQ(fake.acts()[1], (json{{"decision", "decline"}, {"reason", "Too busy in January"}}));
}

TEST_F(ParticipantPages, APairLogsAMeetingAndMovesTheNextOneAndTheLinkStaysOpen) {
  auto logged = post(path(kPair),
                     "action=log_meeting&date=2026-12-05&duration_minutes=50&notes=Talked+plans");
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->status, 303) << logged->body;
  EXPECT_EQ(logged->get_header_value("Location"), path(kPair) + "?done=logged");
  auto moved = post(path(kPair), "action=move_next&date=2027-01-19&start_time=09:15");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->status, 303) << moved->body;
  EXPECT_EQ(moved->get_header_value("Location"), path(kPair) + "?done=moved");
  auto without_time = post(path(kPair), "action=log_meeting&date=2026-12-06");
  ASSERT_TRUE(without_time);
  EXPECT_EQ(without_time->status, 303) << without_time->body;
  const auto acts = fake.acts();
  ASSERT_EQ(acts.size(), 3u);
  EXPECT_EQ(acts[0], (json{{"action", "log_meeting"},
                           {"date", "2026-12-05"},
                           {"duration_minutes", 50},
                           {"notes", "Talked plans"}}));
  EXPECT_EQ(acts[1],
            (json{{"action", "move_next"}, {"date", "2027-01-19"}, {"start_time", "09:15"}}));
  EXPECT_EQ(acts[2], (json{{"action", "log_meeting"}, {"date", "2026-12-06"}}));
  auto page = get(path(kPair) + "?done=moved");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(tag_with_id(page->body, "result"), "");
  EXPECT_NE(page->body.find("The next meeting was moved."), std::string::npos);
  EXPECT_NE(tag_with_id(page->body, "log-meeting"), "") << "the pair's page stays usable";
}

TEST_F(ParticipantPages, ADoneValueThePluginNeverAnswersShowsNoNotice) {
  auto page = get(path(kPair) + "?done=%3Cscript%3Ealert(1)%3C/script%3E");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(tag_with_id(page->body, "result"), "");
  EXPECT_EQ(page->body.find("alert(1)"), std::string::npos);
}

TEST_F(ParticipantPages, TheResultOfASpentLinkComesFromThePluginNotFromTheAddress) {
  // refused.used was declined; an address claiming "accepted" shows what was recorded.
  auto page = get(path("refused.used") + "?done=accepted");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("You declined"), std::string::npos) << page->body;
  EXPECT_EQ(page->body.find("You accepted"), std::string::npos);
}

TEST_F(ParticipantPages, ASurveySendsEachAnswerAsItsKindAndLeavesOutUnanswered) {
  auto r =
      post(path(kSurvey), "q-useful=4&q-again=no&q-helped=keeping+in+touch&q-weeks=&q-better=");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(r->get_header_value("Location"), path(kSurvey) + "?done=answered");
  ASSERT_EQ(fake.acts().size(), 1u);
  EXPECT_EQ(fake.acts()[0],
            (json{{"answers", {{"useful", 4}, {"again", false}, {"helped", "keeping in touch"}}}}));
  auto after = get(r->get_header_value("Location"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_NE(after->body.find("without your name"), std::string::npos);
}

TEST_F(ParticipantPages, ASurveySendsYesAsTrueAndTextAsText) {
  auto r =
      post(path(kSurvey),
           "q-useful=1&q-again=yes&q-helped=re-entry+planning&q-weeks=6.5&q-better=More+time+%26+"
           "fewer+forms");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303) << r->body;
  ASSERT_EQ(fake.acts().size(), 1u);
  EXPECT_EQ(fake.acts()[0], (json{{"answers",
                                   {{"useful", 1},
                                    {"again", true},
                                    {"helped", "re-entry planning"},
                                    {"weeks", 6.5},
                                    {"better", "More time & fewer forms"}}}}));
}

// ---- wrong answers -------------------------------------------------------------

TEST_F(ParticipantPages, AcceptingWithoutConsentShowsTheErrorBesideTheCheckboxAndKeepsTheValues) {
  auto r = post(path(kInvitation),
                "goal=%3Cb%3EMy+goal%3C%2Fb%3E&wishes=A+parent&reason=&decision=accept");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_TRUE(fake.acts().empty()) << "nothing is sent while the page shows an error";
  const std::string& html = r->body;
  EXPECT_NE(html.find("<title>Error: "), std::string::npos);
  const std::string consent = tag_with_id(html, "consent");
  EXPECT_EQ(attribute(consent, "aria-describedby"), "consent-text consent-error");
  EXPECT_EQ(attribute(consent, "aria-invalid"), "true");
  EXPECT_NE(tag_with_id(html, "consent-error"), "");
  EXPECT_NE(html.find("tick the box to give your consent"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#consent\">"), std::string::npos) << "the summary links the field";
  EXPECT_NE(attribute(tag_with_id(html, "error-summary"), "role"), "");
  EXPECT_EQ(textarea_text(html, "goal"), "&lt;b&gt;My goal&lt;/b&gt;");
  EXPECT_EQ(textarea_text(html, "wishes"), "A parent");
}

TEST_F(ParticipantPages, ABadMeetingDateIsShownBesideItsFieldWithTheOtherValuesKept) {
  auto r =
      post(path(kPair), "action=log_meeting&date=2026-02-30&duration_minutes=45&notes=Good+talk");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_TRUE(fake.acts().empty());
  const std::string& html = r->body;
  const std::string date = tag_with_id(html, "meeting-date");
  EXPECT_EQ(attribute(date, "aria-describedby"), "meeting-date-hint meeting-date-error");
  EXPECT_EQ(attribute(date, "aria-invalid"), "true");
  EXPECT_EQ(attribute(date, "value"), "2026-02-30");
  EXPECT_EQ(attribute(tag_with_id(html, "meeting-duration"), "value"), "45");
  EXPECT_EQ(textarea_text(html, "meeting-notes"), "Good talk");
  // The other form keeps nothing of this one.
  EXPECT_EQ(attribute(tag_with_id(html, "next-date"), "value"), "");
  EXPECT_EQ(attribute(tag_with_id(html, "next-date"), "aria-invalid"), "");

  auto time = post(path(kPair), "action=move_next&date=2027-01-19&start_time=25:00");
  ASSERT_TRUE(time);
  EXPECT_EQ(time->status, 400);
  EXPECT_EQ(attribute(tag_with_id(time->body, "next-time"), "aria-invalid"), "true");
  EXPECT_EQ(attribute(tag_with_id(time->body, "next-date"), "value"), "2027-01-19");
  EXPECT_TRUE(fake.acts().empty());
}

TEST_F(ParticipantPages, ASurveyAnswerOutOfRangeIsShownBesideItsQuestion) {
  auto r = post(path(kSurvey),
                "q-useful=9&q-again=maybe&q-helped=something+else&q-weeks=-3&q-better=kept+text");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_TRUE(fake.acts().empty());
  const std::string& html = r->body;
  EXPECT_EQ(attribute(tag_with_id(html, "q-useful"), "aria-describedby"),
            "q-useful-hint q-useful-error");
  EXPECT_NE(html.find("Choose one of 1 to 5."), std::string::npos);
  EXPECT_EQ(attribute(tag_with_id(html, "q-again"), "aria-describedby"),
            "q-again-hint q-again-error");
  EXPECT_EQ(textarea_text(html, "q-better"), "kept text");
  EXPECT_NE(html.find("Choose one of the answers given."), std::string::npos);
  EXPECT_EQ(attribute(tag_with_id(html, "q-weeks"), "aria-invalid"), "true");
  EXPECT_EQ(attribute(tag_with_id(html, "q-weeks"), "value"), "-3");
  // The summary lists the errors in the order of the questions.
  EXPECT_LT(html.find("<a href=\"#q-useful\">"), html.find("<a href=\"#q-again\">"));
  EXPECT_NE(html.find("<a href=\"#q-again\">"), std::string::npos);
}

TEST_F(ParticipantPages, AChosenOptionIsKeptAfterAnError) {
  auto r = post(path(kSurvey), "q-useful=3&q-again=maybe");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(tag_with_id(r->body, "q-useful-3").find(" checked"), std::string::npos);
  EXPECT_EQ(tag_with_id(r->body, "q-useful-2").find(" checked"), std::string::npos);
}

TEST_F(ParticipantPages, AnErrorOfLinkActIsShownBesideTheFieldItNames) {
  fake.refuse_answers([](const json&) {
    return std::string("link_act: /answer/goal: found 2400 characters; expected at most 2000");
  });
  auto r = post(path(kInvitation), "consent=yes&goal=Short+enough+here&decision=accept");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  const std::string goal = tag_with_id(r->body, "goal");
  EXPECT_EQ(attribute(goal, "aria-describedby"), "goal-hint goal-error");
  EXPECT_NE(r->body.find("found 2400 characters"), std::string::npos);
  EXPECT_EQ(textarea_text(r->body, "goal"), "Short enough here");
  EXPECT_NE(tag_with_id(r->body, "consent").find(" checked"), std::string::npos);
}

TEST_F(ParticipantPages, ARequiredQuestionLeftOutIsShownBesideIt) {
  auto r = post(path(kSurvey), "q-useful=2&q-helped=keeping+in+touch");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(fake.acts().empty());
  EXPECT_EQ(attribute(tag_with_id(r->body, "q-again"), "aria-describedby"),
            "q-again-hint q-again-error");
  EXPECT_NE(r->body.find("Answer this question."), std::string::npos);
  EXPECT_EQ(tag_with_id(r->body, "q-weeks-error"), "") << "an optional question may be left out";
  EXPECT_NE(tag_with_id(r->body, "q-helped-1").find(" checked"), std::string::npos);
}

TEST_F(ParticipantPages, EachLineOfAMultiLineErrorGoesBesideItsOwnField) {
  // The plugin checks a survey's answers together: one problem a line.
  fake.refuse_answers([](const json&) {
    return std::string(
        "link_act: /answer/answers/useful: found 3.5; expected an integer from 1 to 5\n"
        "link_act: /answer/answers/better: found a text of 9000 bytes; expected at most 2000\n"
        "evaluation_answer: the survey closed");
  });
  auto r = post(path(kSurvey), "q-useful=3&q-again=yes&q-helped=keeping+in+touch&q-better=b");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(tag_with_id(r->body, "q-useful-error"), "");
  EXPECT_NE(tag_with_id(r->body, "q-better-error"), "");
  EXPECT_NE(r->body.find("<li>evaluation_answer: the survey closed</li>"), std::string::npos);
  EXPECT_EQ(tag_with_id(r->body, "q-again-error"), "");
}

TEST_F(ParticipantPages, AnErrorOfLinkActNamingNoFieldGoesToTheSummary) {
  fake.refuse_answers([](const json&) {
    return std::string("link_act: /answer: the meeting is before the pair started");
  });
  auto r = post(path(kPair), "action=log_meeting&date=2020-01-01");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("<li>link_act: /answer: the meeting is before the pair started</li>"),
            std::string::npos)
      << r->body;
  EXPECT_EQ(attribute(tag_with_id(r->body, "meeting-date"), "value"), "2020-01-01");
}

TEST_F(ParticipantPages, ABusyProgrammeKeepsWhatWasTyped) {
  fake.fail_with([] {
    static int calls = 0;
    // link_open goes through; link_act finds the organisation busy.
    if (++calls % 2 == 0) throw mentoring::host::BusyError("organisation northwind is busy");
  });
  auto r = post(path(kPair), "action=log_meeting&date=2026-12-05&notes=Keep+me");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->get_header_value("Retry-After"), "5");
  EXPECT_EQ(textarea_text(r->body, "meeting-notes"), "Keep me");
  EXPECT_NE(r->body.find("send it again"), std::string::npos);
}

// ---- invalid links ---------------------------------------------------------------

TEST_F(ParticipantPages, EveryInvalidReasonGetsItsPageAndStatusAndChangesNothing) {
  std::map<std::string, int> status = {
      {"expired", 410}, {"used", 410},      {"withdrawn", 410},         {"gone", 410},
      {"forged", 404},  {"malformed", 404}, {"other_organisation", 404}};
  for (const auto& [reason, expected] : status) {
    SCOPED_TRACE(reason);
    const std::string token = "refused." + reason;
    for (int method = 0; method < 2; ++method) {
      auto r = method == 0 ? get(path(token)) : post(path(token), "decision=accept&consent=yes");
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, expected) << r->body;
      const std::string invalid = tag_with_id(r->body, "invalid");
      EXPECT_EQ(attribute(invalid, "data-reason"), reason);
      EXPECT_NE(r->body.find("Nothing was changed."), std::string::npos);
      EXPECT_EQ(tag_with_id(r->body, "answer"), "") << "no form on an invalid link";
      EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer");
      if (reason != "used") {
        EXPECT_NE(r->body.find(fake.refusals().at(reason)), std::string::npos);
      }
    }
  }
  auto used = get(path("refused.used"));
  ASSERT_TRUE(used);
  EXPECT_NE(used->body.find("It was used to decline on 3 December 2026."), std::string::npos);
  EXPECT_TRUE(fake.acts().empty());
  for (const auto& command : fake.commands()) EXPECT_EQ(command, "link_open");
}

TEST_F(ParticipantPages, ALinkSpentBetweenOpeningAndAnsweringChangesNothing) {
  // link_open says valid, then link_act finds it used (another tab was quicker):
  // link_act's refusal is the page.
  fake.answer_acts_with({{"done", false},
                         {"reason", "used"},
                         {"words", "This survey was answered already."},
                         {"outcome", "answered"},
                         {"on", "2026-12-07"}});
  auto r = post(path(kSurvey), "q-useful=2&q-again=yes&q-helped=keeping+in+touch");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 410) << r->body;
  EXPECT_EQ(attribute(tag_with_id(r->body, "invalid"), "data-reason"), "used");
  EXPECT_NE(r->body.find("This survey was answered already."), std::string::npos);
  EXPECT_NE(r->body.find("It was used to answer the survey on 7 December 2026."),
            std::string::npos);
  EXPECT_EQ(r->get_header_value("Location"), "");
}

TEST_F(ParticipantPages, AMalformedLinkNeverReachesThePlugin) {
  const std::string too_long(401, 'a');
  for (const std::string& target :
       {path("abc%3Cscript%3E"), path("a+b"), path(too_long), path("abc", "North_Wind"),
        path("abc", "-northwind"), std::string("/l/northwind/abc%2Fdef"),
        std::string("/l/northwind"), std::string("/l/northwind/"), std::string("/l/")}) {
    SCOPED_TRACE(target);
    auto r = get(target);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << r->body;
    EXPECT_EQ(attribute(tag_with_id(r->body, "invalid"), "data-reason"), "malformed");
    EXPECT_EQ(r->body.find("<script>"), std::string::npos);
  }
  EXPECT_TRUE(fake.commands().empty());
}

TEST_F(ParticipantPages, AnOrganisationThisServerDoesNotServeIsNotFound) {
  fake.fail_with([] { throw std::invalid_argument("no organisation with id \"southwind\""); });
  auto r = get(path(kPair, "southwind"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(attribute(tag_with_id(r->body, "invalid"), "data-reason"), "other_organisation");
}

// ---- refused requests ----------------------------------------------------------

TEST_F(ParticipantPages, APostFromAnotherSiteIsRefusedAndChangesNothing) {
  const std::vector<httplib::Headers> foreign = {
      {{"Origin", "http://evil.example"}}, {{"Origin", "null"}},
      {{"Origin", "http://127.0.0.1:1"}},  {{"Sec-Fetch-Site", "cross-site"}},
      {{"Sec-Fetch-Site", "same-site"}},   {{"Origin", origin()}, {"Sec-Fetch-Site", "cross-site"}},
  };
  for (const auto& headers : foreign) {
    auto r = post(path(kInvitation), "consent=yes&decision=accept", headers);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << r->body;
    EXPECT_NE(tag_with_id(r->body, "refused"), "");
  }
  EXPECT_TRUE(fake.commands().empty());
  // The page's own origin, and a client that is no browser, are served.
  auto own = post(path(kPair), "action=move_next&date=2027-01-19",
                  {{"Origin", origin()}, {"Sec-Fetch-Site", "same-origin"}});
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 303);
  // Behind a proxy that rewrites Host, the browser's Sec-Fetch-Site decides.
  auto proxied =
      post(path(kPair), "action=move_next&date=2027-01-21",
           {{"Origin", "https://mentoring.example.org"}, {"Sec-Fetch-Site", "same-origin"}});
  ASSERT_TRUE(proxied);
  EXPECT_EQ(proxied->status, 303);
  auto plain = post(path(kPair), "action=move_next&date=2027-01-20",
                    {{"X-Test", "no Origin, no Sec-Fetch-Site"}});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 303);
}

TEST_F(ParticipantPages, AnOversizedFormIsRefusedAndChangesNothing) {
  const std::string big = "action=log_meeting&date=2026-12-05&notes=" +
                          std::string(mentoring::serve::pages::participant::kMaxFormBytes + 1, 'x');
  auto r = post(path(kPair), big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body;
  EXPECT_NE(tag_with_id(r->body, "refused"), "");
  std::string many = "action=log_meeting&date=2026-12-05";
  for (int i = 0; i < 200; ++i) many += "&f" + std::to_string(i) + "=1";
  auto fields = post(path(kPair), many);
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->status, 413) << fields->body;
  EXPECT_NE(fields->body.find("more than 100 fields"), std::string::npos);
  // A note longer than a note may be: an error beside it, the rest kept.
  auto long_note =
      post(path(kPair), "action=log_meeting&date=2026-12-05&notes=" + std::string(20001, 'y'));
  ASSERT_TRUE(long_note);
  EXPECT_EQ(long_note->status, 400);
  EXPECT_EQ(attribute(tag_with_id(long_note->body, "meeting-notes"), "aria-invalid"), "true");
  // A body without its length (chunked): refused before it is read.
  httplib::Client client("127.0.0.1", port);
  auto chunked = client.Post(
      path(kPair).c_str(), {{"Origin", origin()}},
      [](size_t offset, httplib::DataSink& sink) {
        if (offset == 0) {
          const std::string piece = "action=move_next&date=2027-01-19";
          sink.write(piece.data(), piece.size());
        }
        sink.done();
        return true;
      },
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 411) << chunked->body;
  EXPECT_TRUE(fake.acts().empty());
  auto ok = get("/healthz");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(ParticipantPages, OnlyAWebFormIsRead) {
  httplib::Client client("127.0.0.1", port);
  auto r = client.Post(path(kPair).c_str(), R"({"action":"move_next","date":"2027-01-19"})",
                       "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  auto bad_utf8 = post(path(kPair), "action=move_next&date=2027-01-19&start_time=%C3%28");
  ASSERT_TRUE(bad_utf8);
  EXPECT_EQ(bad_utf8->status, 400);
  EXPECT_TRUE(fake.acts().empty());
}

// ---- escaping, headers, the token's secrecy ------------------------------------------

TEST_F(ParticipantPages, EverythingFromDataIsEscaped) {
  const std::string script = "<script>alert('x')</script>";
  fake.set_link(
      kPair,
      FakeLinks::open(
          "pair", {{"name", script}},
          {{"programme", {{"id", "p"}, {"name", script}}},
           {"pair_id", "P1"},
           {"me", "mentor"},
           {"other", {{"name", script}, {"email", "\"><script>"}}},
           {"next_meeting", nullptr},
           {"goal", script},
           {"notes", json::array({{{"date", "2026-12-01"}, {"by", "mentee"}, {"text", script}}})},
           {"meetings", json::array()}}));
  json invitation = fake.link(kInvitation);
  invitation["person"]["name"] = script;
  invitation["view"]["consent_text"] = script;
  invitation["view"]["programme"]["name"] = script;
  fake.set_link(kInvitation, invitation);
  json survey = fake.link(kSurvey);
  survey["view"]["survey"]["title"] = script;
  survey["view"]["survey"]["questions"][0]["text"] = script;
  survey["view"]["survey"]["questions"][2]["options"][0] = script;
  survey["view"]["survey"]["questions"][4]["id"] = "\"><script>";
  fake.set_link(kSurvey, survey);
  json proposal = fake.link(kProposal);
  proposal["view"]["mentee"]["name"] = script;
  proposal["view"]["explanation"][0]["words"] = script;
  fake.set_link(kProposal, proposal);
  auto mentors_view = get(path(kPair));
  ASSERT_TRUE(mentors_view);
  EXPECT_NE(mentors_view->body.find(
                "<h2>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;&apos;s goal</h2>"),
            std::string::npos)
      << "the mentor reads the mentee's goal under the mentee's name";
  for (const char* token : {kPair, kInvitation, kSurvey, kProposal}) {
    auto r = get(path(token));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << token << r->body;
    EXPECT_EQ(r->body.find("<script"), std::string::npos) << token << r->body;
    EXPECT_NE(r->body.find("&lt;script&gt;"), std::string::npos) << token;
  }
  fake.set_link("refused.evil", {{"valid", false}, {"reason", "\"><script>"}, {"words", script}});
  auto refused = get(path("refused.evil"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);
  EXPECT_EQ(refused->body.find("<script"), std::string::npos);
}

TEST_F(ParticipantPages, EveryAnswerCarriesTheSecurityHeaders) {
  std::vector<httplib::Result> answers;
  answers.push_back(get(path(kInvitation)));
  answers.push_back(get(path("refused.expired")));
  answers.push_back(get(path("not.known")));
  answers.push_back(post(path(kInvitation), "decision=accept"));  // 400
  answers.push_back(
      post(path(kPair), "action=move_next&date=2027-01-19", {{"Origin", "http://x"}}));
  for (const auto& r : answers) {
    ASSERT_TRUE(r);
    SCOPED_TRACE(r->status);
    EXPECT_NE(r->get_header_value("Content-Security-Policy").find("default-src 'none'"),
              std::string::npos);
    EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(r->body.find("<script"), std::string::npos);
  }
  auto redirect = post(path(kPair), "action=move_next&date=2027-01-19");
  ASSERT_TRUE(redirect);
  EXPECT_EQ(redirect->status, 303);
  EXPECT_EQ(redirect->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(redirect->get_header_value("Cache-Control"), "no-store");
}

TEST_F(ParticipantPages, TheTokenReachesNoMetricAndNoLogLine) {
  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "mentoring", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  spdlog::drop("mentoring");
  spdlog::register_logger(logger);
  ASSERT_TRUE(get(path(kPair)));
  ASSERT_TRUE(post(path(kPair), "action=move_next&date=2027-01-19"));
  fake.fail_with([] {
    throw std::runtime_error(std::string("store failed for token ") + kPair + " (twice: " + kPair +
                             ")");
  });
  auto failed = get(path(kPair));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(failed->body.find("store failed"), std::string::npos) << "no detail on the page";
  spdlog::drop("mentoring");
  std::this_thread::sleep_for(50ms);  // httplib counts a request after writing its answer
  const std::string rendered = metrics->render();
  EXPECT_NE(rendered.find("/l/{org}/{token}"), std::string::npos) << rendered;
  EXPECT_EQ(rendered.find(kPair), std::string::npos);
  EXPECT_NE(log.str().find("link_open failed"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("<link token>"), std::string::npos) << log.str();
  EXPECT_EQ(log.str().find(kPair), std::string::npos) << log.str();
}

// ---- the fake against the plugin's own schemas -------------------------------------------

#ifdef LINK_SCHEMAS_DIR
// Compiled in when schemas/commands/link_open.* exist (part B of issue 15):
// the fake answers what the plugin may answer, and the pages send what it takes.
TEST_F(ParticipantPages, TheFakeAnswersAndThePagesSendWhatThePluginsSchemasSay) {
  namespace schema = mentoring::schema;
  const std::string dir = LINK_SCHEMAS_DIR;
  const json open_output = schema::parse_file(dir + "/link_open.output.schema.json");
  const json open_input = schema::parse_file(dir + "/link_open.input.schema.json");
  const json act_output = schema::parse_file(dir + "/link_act.output.schema.json");
  const json act_input = schema::parse_file(dir + "/link_act.input.schema.json");
  auto expect_valid = [](const json& s, const json& document, const std::string& what) {
    for (const auto& problem : schema::validate_against(s, document, what)) {
      ADD_FAILURE() << problem.message();
    }
  };
  for (const auto& token : fake.tokens()) {
    expect_valid(open_input, json{{"token", token}}, "link_open input " + token);
    expect_valid(open_output, fake.link(token), "link_open answer of " + token);
  }
  // What the pages send, and what the fake answers to it.
  const std::vector<std::pair<std::string, std::string>> posts = {
      {kInvitation, "consent=yes&goal=g&wishes=w&decision=accept"},
      {kMentorInvitation, "reason=r&decision=decline"},
      {kProposal, "decision=accept"},
      {kPair, "action=log_meeting&date=2026-12-05&duration_minutes=30&notes=n"},
      {kPair, "action=move_next&date=2027-01-19&start_time=10:00"},
      {kSurvey, "q-useful=4&q-again=yes&q-helped=keeping+in+touch&q-weeks=3&q-better=b"},
      {kSurvey, "q-useful=4&q-again=yes&q-helped=keeping+in+touch"},  // spent: stops at link_open
  };
  for (const auto& [token, body] : posts) {
    auto r = post(path(token), body);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->status == 303 || r->status == 410) << token << " " << r->status << r->body;
  }
  const auto inputs = fake.act_inputs();
  EXPECT_EQ(inputs.size(), 6u);
  for (const auto& input : inputs) expect_valid(act_input, input, "link_act input");
  for (const auto& token : fake.tokens()) {
    expect_valid(open_output, fake.link(token), "link_open answer of " + token + " after use");
  }
  for (const auto& output : fake.act_outputs()) expect_valid(act_output, output, "link_act answer");
  EXPECT_EQ(fake.act_outputs().size(), 6u);
}
#endif

// ---- every page through the static HTML check -----------------------------------------

int run_html_check(const std::vector<fs::path>& pages, std::string& output) {
  std::string command = std::string("python3 ") + PARTICIPANT_HTML_CHECK;
  for (const auto& page : pages) command += " '" + page.string() + "'";
  command += " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(ParticipantPages, EveryPageInEveryStateHasALabelForEachFieldAndNoBrokenReference) {
  const fs::path folder =
      fs::temp_directory_path() / ("participant-pages-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  std::vector<fs::path> pages;
  auto keep = [&](const std::string& name, const httplib::Result& r) {
    ASSERT_TRUE(r) << name;
    pages.push_back(folder / (name + ".html"));
    std::ofstream(pages.back()) << r->body;
  };
  keep("invitation", get(path(kInvitation)));
  keep("invitation-mentor", get(path(kMentorInvitation)));
  keep("invitation-errors",
       post(path(kInvitation), "goal=" + std::string(20001, 'g') + "&decision=accept"));
  keep("proposal", get(path(kProposal)));
  keep("proposal-error",
       post(path(kProposal), "reason=" + std::string(20001, 'r') + "&decision=decline"));
  keep("pair", get(path(kPair) + "?done=logged"));
  keep("pair-log-errors", post(path(kPair), "action=log_meeting&date=x&duration_minutes=0&notes=" +
                                                std::string(20001, 'n')));
  keep("pair-move-errors", post(path(kPair), "action=move_next&date=&start_time=99:99"));
  keep("survey", get(path(kSurvey)));
  keep("survey-errors",
       post(path(kSurvey), "q-useful=0&q-again=perhaps&q-better=" + std::string(2001, 't')));
  keep("survey-thanks", [&] {
    post(path(kSurvey), "q-useful=5&q-again=yes&q-helped=keeping+in+touch");
    return get(path(kSurvey) + "?done=answered");
  }());
  for (const char* reason : {"expired", "used", "forged", "withdrawn"}) {
    keep(std::string("invalid-") + reason, get(path(std::string("refused.") + reason)));
  }
  keep("refused", post(path(kPair), "action=move_next", {{"Origin", "http://evil.example"}}));
  std::string output;
  EXPECT_EQ(run_html_check(pages, output), 0) << output;
  EXPECT_NE(output.find(std::to_string(pages.size()) + " page(s)"), std::string::npos) << output;

  // The check itself finds what it is there to find.
  const fs::path bad = folder / "bad.html";
  std::ofstream(bad) << "<!doctype html><html><head><title>x</title></head><body><h1>x</h1>"
                        "<h3>skipped</h3><form><input type=\"text\" id=\"a\">"
                        "<input type=\"radio\" name=\"r\" id=\"r1\"><label for=\"r1\">1</label>"
                        "<p aria-describedby=\"nowhere\"></p><button></button>"
                        "<span id=\"a\"></span></form><script>1</script></body></html>";
  std::string complaints;
  EXPECT_EQ(run_html_check({bad}, complaints), 1);
  for (const char* problem :
       {"<html> has no lang", "id=\"a\"> has no <label for>", "radio \"r1\" is not in a <fieldset>",
        "aria-describedby=\"nowhere\"", "a <button> without text", "skips from h1 to h3",
        "id \"a\" used 2 times", "<script> element"}) {
    EXPECT_NE(complaints.find(problem), std::string::npos) << problem << "\n" << complaints;
  }
  // PARTICIPANT_PAGES_KEEP=1 keeps the rendered pages, to look at them in a browser.
  if (std::getenv("PARTICIPANT_PAGES_KEEP")) {
    std::cout << "pages kept in " << folder << "\n";
  } else {
    fs::remove_all(folder);
  }
}

// ---- the form's reading, alone -------------------------------------------------------

TEST(ParticipantForm, ParsesAWebFormWithinItsBounds) {
  mentoring::serve::pages::participant::Form form;
  EXPECT_FALSE(mentoring::serve::pages::participant::parse_form(
      "a=1&b=two+words&c=%C3%A9&a=second&&empty=", form));
  EXPECT_EQ(form.at("a"), "1");
  EXPECT_EQ(form.at("b"), "two words");
  EXPECT_EQ(form.at("c"), "\xC3\xA9");
  EXPECT_EQ(form.at("empty"), "");
  using mentoring::serve::pages::participant::FormProblem;
  mentoring::serve::pages::participant::Form more;
  EXPECT_EQ(mentoring::serve::pages::participant::parse_form(
                std::string(mentoring::serve::pages::participant::kMaxFormBytes + 1, 'a'), more),
            FormProblem::too_large);
  std::string fields;
  for (int i = 0; i < 101; ++i) fields += "f" + std::to_string(i) + "=&";
  EXPECT_EQ(mentoring::serve::pages::participant::parse_form(fields, more),
            FormProblem::too_many_fields);
  EXPECT_EQ(mentoring::serve::pages::participant::parse_form("a=%ED%A0%80", more),
            FormProblem::not_utf8);  // a UTF-16 surrogate
  EXPECT_EQ(mentoring::serve::pages::participant::parse_form("a=%C0%AF", more),
            FormProblem::not_utf8);  // overlong
}

TEST(ParticipantForm, DatesAndTimesAreRealOnes) {
  using mentoring::serve::pages::participant::valid_date;
  using mentoring::serve::pages::participant::valid_time;
  EXPECT_TRUE(valid_date("2028-02-29"));
  EXPECT_FALSE(valid_date("2027-02-29"));
  EXPECT_FALSE(valid_date("2027-13-01"));
  EXPECT_FALSE(valid_date("2027-1-01"));
  EXPECT_FALSE(valid_date("27-01-2027"));
  EXPECT_TRUE(valid_time("00:00"));
  EXPECT_TRUE(valid_time("23:59"));
  EXPECT_FALSE(valid_time("24:00"));
  EXPECT_FALSE(valid_time("9:30"));
}

TEST(ParticipantForm, ATokenIsOnlyTheLinksCharacters) {
  using mentoring::serve::pages::participant::valid_token;
  EXPECT_TRUE(valid_token("abc.DEF_-123"));
  EXPECT_TRUE(valid_token(std::string(400, 'a')));
  EXPECT_FALSE(valid_token(std::string(401, 'a')));
  EXPECT_FALSE(valid_token(""));
  EXPECT_FALSE(valid_token("a/b"));
  EXPECT_FALSE(valid_token("a%2e"));
}

}  // namespace
