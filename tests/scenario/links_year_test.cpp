// The signed links through a year at Linkdale (reference programme A, with
// participant choice switched on): everyone acts from their e-mail's link as
// serve would (link_open / link_act as the system caller), never through HR.
// An invitation accepted with its consent, and a second use refused with
// nothing changed; an invitation left to expire; the mentor's answer to a
// mentee's request; the pair logging a meeting and moving the next one; a
// survey answered anonymously; another organisation's, a forged and a damaged
// link refused; wrong answers refused naming their field. And over the whole
// year: every action the link rule gives a purpose carries that link, and no
// delivered link stays in the plugin's files.
#include "scenario_people.hpp"

#include <mentoring/links/links.hpp>
#include <mentoring/store/org_store.hpp>

#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

using namespace scenario;

constexpr const char* kA = "return-to-work";
constexpr const char* kOrg = "linkdale";
constexpr const char* kGoal = "keep my research group going while I am away";

struct YearL : ReplayedYear {
  Scenario other;                             // another organisation, with its own key
  std::map<std::string, std::string> tokens;  // by label
  std::int64_t erin_pair = 0;
  std::string erin_state_after_accept, erin_state_after_second_use;
  std::size_t erin_history_after_accept = 0, erin_history_after_second_use = 0;
  std::string tom_state_before_act, tom_state_after_act;
  std::size_t tom_history_before_act = 0, tom_history_after_act = 0;
  json survey_answers_before, survey_answers_after;  // rows in evaluation_answer, by count
  std::int64_t sessions_before_wrong_date = -1, sessions_after_wrong_date = -1;
};

Answer open_link(Scenario& s, const std::string& token) {
  return s.try_command_as_member("system", "link_open", {{"token", token}});
}

Answer act(Scenario& s, const std::string& token, const json& answer) {
  return s.try_command_as_member("system", "link_act", {{"token", token}, {"answer", answer}});
}

// The token of the last link of `purpose` that `person` received (since `since`); "" when none.
std::string link_token(const Scenario& s, const std::string& person, const std::string& purpose,
                       std::size_t since = 0) {
  std::string token;
  for (const auto& r : s.received(person, since)) {
    const json& p = r.action.at("payload");
    json link = p.value("link", json(nullptr));
    for (const auto& a : p.value("attendees", json::array())) {  // an attendee's own, if any
      if (a.value("person_id", "") == person) link = a.value("link", json(nullptr));
    }
    if (link.is_object() && link.value("purpose", "") == purpose) token = link.value("token", "");
  }
  return token;
}

// The person a token's claims name (read, not verified: base64url of fields
// separated by 0x1f, the person fifth).
std::string person_claimed(const std::string& token) {
  std::string text = token.substr(0, token.find('.'));
  std::string bits, out;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (char ch : text) {
    const auto at = alphabet.find(ch);
    for (int b = 5; b >= 0; --b) bits += ((at >> b) & 1) ? '1' : '0';
  }
  for (std::size_t i = 0; i + 8 <= bits.size(); i += 8)
    out += static_cast<char>(std::stoi(bits.substr(i, 8), nullptr, 2));
  std::vector<std::string> fields(1);
  for (char ch : out) {
    if (ch == '\x1f')
      fields.emplace_back();
    else
      fields.back() += ch;
  }
  return fields.size() == 7 ? fields[4] : "(unreadable claims)";
}

std::size_t history_size(Scenario& s, const std::string& person) {
  return s.command("history", {{"person_id", person}})["transitions"].size();
}

std::int64_t sessions_of(Scenario& s, std::int64_t pair) {
  return static_cast<std::int64_t>(
      s.command("session_list", {{"pair_id", pair}})["sessions"].size());
}

std::int64_t count_rows(Scenario& s, const std::string& sql) {
  mentoring::store::OrgStore store(s.host.storage_directory(), kOrg);
  SQLite::Statement q(store.database(), sql);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

void replay(YearL& y) {
  Scenario& s = y.s;
  s.hr.add_person(person("hana", "Hana Head", kOrg, std::nullopt));
  s.hr.add_person(person("mona", "Mona Mentor", kOrg, "hana"));
  s.hr.add_person(person("malik", "Malik Mentor", kOrg, "hana"));
  s.hr.add_person(person("erin", "Erin Early", kOrg, "hana"));
  s.hr.add_person(person("tom", "Tom Silent", kOrg, "hana"));
  s.hr.add_person(person("una", "Una Withdrawn", kOrg, "hana"));
  s.hr.add_leave(leave("LMO", "mona", "maternity", "2023-03-01", "2023-11-30"));
  s.hr.add_leave(leave("LMA", "malik", "paternity", "2024-05-01", "2024-07-31"));
  s.hr.add_leave(leave("LER", "erin", "maternity", "2027-06-07", "2027-12-05"));
  s.hr.add_leave(leave("LTO", "tom", "adoption", "2027-05-03", "2027-10-31"));
  s.hr.add_leave(leave("LUN", "una", "maternity", "2027-05-10", "2027-11-10"));
  s.start(kOrg,
          {{"enrolment", true},
           {"training", false},
           {"pairing", true},
           {"supervision", true},
           {"evaluation", true},
           {"return_to_work", false}},
          {kA}, "2027-01-04", [](json& programme) {
            programme["participant_choice"] = {{"mentee_requests_mentor", true},
                                               {"mentor_may_decline", true}};
          });
  for (const char* mentor : {"mona", "malik"})
    s.command("nominate", {{"programme", kA}, {"person_id", mentor}, {"role", "mentor"}});

  // Another organisation invites Olga: her link is theirs.
  y.other.hr.add_person(person("olga", "Olga Other", "otherdale", std::nullopt));
  y.other.hr.add_leave(leave("LOL", "olga", "maternity", "2027-06-01", "2027-11-30"));
  y.other.start("otherdale", {{"enrolment", true}}, {kA}, "2027-01-04");
  y.tokens["olga invitation"] = link_token(y.other, "olga", "invitation");

  // Erin opens her invitation the next day and answers it.
  s.advance_to("2027-01-05");
  const std::string erin = y.tokens["erin invitation"] = link_token(s, "erin", "invitation");
  y.tokens["tom invitation"] = link_token(s, "tom", "invitation");
  y.answers["erin opens"] = open_link(s, erin);
  y.answers["erin accepts without consent"] =
      act(s, erin, {{"decision", "accept"}, {"goal", kGoal}});
  y.answers["erin answers maybe"] = act(s, erin, {{"decision", "maybe"}, {"consent", true}});
  y.answers["erin answers with a stray field"] =
      act(s, erin, {{"decision", "accept"}, {"consent", true}, {"mood", "fine"}});
  y.seen["erin state after wrong answers"] = s.state_of("erin", kA);
  y.answers["erin accepts"] = act(s, erin,
                                  {{"decision", "accept"},
                                   {"consent", true},
                                   {"goal", kGoal},
                                   {"wishes", "someone who kept a lab going"}});
  y.erin_state_after_accept = s.state_of("erin", kA);
  y.erin_history_after_accept = history_size(s, "erin");
  y.answers["erin declines with the used link"] =
      act(s, erin, {{"decision", "decline"}, {"reason", "changed my mind"}});
  y.erin_state_after_second_use = s.state_of("erin", kA);
  y.erin_history_after_second_use = history_size(s, "erin");
  y.answers["erin opens the used link"] = open_link(s, erin);

  // Una's invitation is withdrawn by HR, then she is erased: her link says so, and does nothing.
  const std::string una = y.tokens["una invitation"] = link_token(s, "una", "invitation");
  y.answers["una withdrawn"] =
      s.try_command("withdraw", {{"programme", kA}, {"person_id", "una"}, {"reason", "moved"}});
  y.answers["una opens after withdrawal"] = open_link(s, una);
  y.answers["una accepts after withdrawal"] =
      act(s, una, {{"decision", "accept"}, {"consent", true}});
  y.seen["una state after withdrawal"] = s.state_of("una", kA);
  y.answers["una erased"] = s.try_command("subject_erase", {{"person_id", "una"}});
  y.answers["una opens after erasure"] = open_link(s, una);

  // Erin asks for Mona (HR records the request); Mona answers from her e-mail.
  s.advance_to("2027-01-06");
  y.answers["erin asks for mona"] = s.try_command(
      "pairing_request", {{"programme", kA}, {"mentee_id", "erin"}, {"mentor_id", "mona"}});
  const std::size_t before_request = s.mark();
  s.advance_to("2027-01-07");
  const std::string mona = y.tokens["mona proposal"] =
      link_token(s, "mona", "mentor_proposal", before_request);
  y.answers["mona opens"] = open_link(s, mona);
  y.answers["mona declines without a reason"] = act(s, mona, {{"decision", "decline"}});
  y.answers["mona accepts"] = act(s, mona, {{"decision", "accept"}});
  y.answers["mona accepts again"] = act(s, mona, {{"decision", "accept"}});
  y.erin_pair = pair_of(s, kA, "erin", "accepted");

  // The pair's own page, from the paired notices.
  const std::size_t before_paired = s.mark();
  s.advance_to("2027-01-08");
  const std::string pair = y.tokens["erin pair"] = link_token(s, "erin", "pair", before_paired);
  y.tokens["mona pair"] = link_token(s, "mona", "pair", before_paired);
  y.answers["erin opens the pair page"] = open_link(s, pair);
  y.answers["mona opens the pair page"] = open_link(s, y.tokens["mona pair"]);
  y.sessions_before_wrong_date = sessions_of(s, y.erin_pair);
  y.answers["meeting tomorrow"] =
      act(s, pair, {{"action", "log_meeting"}, {"date", "2027-01-09"}, {"notes", "too early"}});
  y.answers["meeting on no day"] =
      act(s, pair, {{"action", "log_meeting"}, {"date", "2027-13-01"}});
  y.answers["meeting of no length"] =
      act(s, pair, {{"action", "log_meeting"}, {"date", "2027-01-08"}, {"duration_minutes", 0}});
  y.answers["pair does nothing"] = act(s, pair, {{"action", "dance"}});
  y.sessions_after_wrong_date = sessions_of(s, y.erin_pair);
  y.answers["erin logs a meeting"] = act(s, pair,
                                         {{"action", "log_meeting"},
                                          {"date", "2027-01-08"},
                                          {"duration_minutes", 45},
                                          {"notes", "we planned the handover"}});
  y.answers["move into the past"] = act(s, pair, {{"action", "move_next"}, {"date", "2027-01-01"}});
  y.answers["move at no time"] =
      act(s, pair, {{"action", "move_next"}, {"date", "2027-02-20"}, {"start_time", "25:00"}});
  y.answers["erin moves the next meeting"] =
      act(s, pair, {{"action", "move_next"}, {"date", "2027-02-20"}, {"start_time", "14:30"}});
  y.answers["erin opens the pair page again"] = open_link(s, pair);
  y.seen["sessions as mentee"] =
      s.command_as_member("mentee", "session_list", {{"pair_id", y.erin_pair}});

  // Tom never answered: his link ends a week after respond_by (2027-01-25).
  s.advance_to("2027-02-02");
  y.tom_state_before_act = s.state_of("tom", kA);
  y.tom_history_before_act = history_size(s, "tom");
  y.answers["tom opens late"] = open_link(s, y.tokens["tom invitation"]);
  y.answers["tom accepts late"] =
      act(s, y.tokens["tom invitation"], {{"decision", "accept"}, {"consent", true}});
  y.tom_state_after_act = s.state_of("tom", kA);
  y.tom_history_after_act = history_size(s, "tom");
  y.seen["calendar after the move"] = json::array();
  for (const auto& r : s.received("erin", before_paired)) {
    if (r.type() == "calendar_event" && r.action["payload"].value("kind", "") == "pair_session")
      y.seen["calendar after the move"].push_back(r.action["payload"]);
  }

  // Ninety days after pairing: the mid-programme surveys, answered through their links.
  const std::size_t before_survey = s.mark();
  s.advance_to("2027-04-08");
  const std::string survey = y.tokens["erin survey"] =
      link_token(s, "erin", "survey", before_survey);
  y.answers["erin opens the survey"] = open_link(s, survey);
  const std::int64_t answers_before =
      count_rows(s, "SELECT COALESCE(SUM(count), 0) FROM evaluation_answer");
  y.answers["survey answered out of range"] =
      act(s, survey, {{"answers", {{"useful", 7}, {"meeting_enough", true}}}});
  y.answers["erin answers the survey"] =
      act(s, survey,
          {{"answers", {{"useful", 4}, {"meeting_enough", true}, {"improve", "more time"}}}});
  y.answers["erin answers the survey again"] =
      act(s, survey, {{"answers", {{"useful", 1}, {"meeting_enough", false}}}});
  y.seen["survey answers"] = {
      {"before", answers_before},
      {"after", count_rows(s, "SELECT COALESCE(SUM(count), 0) FROM evaluation_answer")}};
  s.advance_to("2027-04-09");  // the survey's notify delivered long ago; links cleaned each run
}

class LinksYear : public YearSuite<YearL, replay> {};

TEST_F(LinksYear, ReplayedToItsEnd) {
  expect_replayed_to_its_end();
  expect_no_year_problems();
}

TEST_F(LinksYear, TheInvitationLinkShowsTheConsentTextAndAsksForTheGoal) {
  const Answer& a = y.answers["erin opens"];
  ASSERT_TRUE(a.ok) << a.message;
  EXPECT_EQ(a.output["valid"], true);
  EXPECT_EQ(a.output["purpose"], "invitation");
  EXPECT_EQ(a.output["expires_on"], "2027-02-01");  // respond_by 2027-01-25, and a week
  EXPECT_EQ(a.output["person"], json({{"person_id", "erin"}, {"name", "Erin Early"}}));
  const json& view = a.output["view"];
  EXPECT_EQ(view["programme"]["id"], kA);
  EXPECT_EQ(view["role"], "mentee");
  EXPECT_EQ(view["respond_by"], "2027-01-25");
  EXPECT_NE(view["consent_text"].get<std::string>().find("return-to-work mentoring programme"),
            std::string::npos)
      << view["consent_text"];
  EXPECT_EQ(view["asks_goal"], true);
  EXPECT_EQ(view["asks_wishes"], true);
}

TEST_F(LinksYear, WrongInvitationAnswersNameTheFieldAndChangeNothing) {
  const Answer& no_consent = y.answers["erin accepts without consent"];
  EXPECT_FALSE(no_consent.ok);
  EXPECT_EQ(no_consent.status, MENTORING_ERR_INVALID_INPUT);
  EXPECT_NE(no_consent.message.find("/answer/consent"), std::string::npos) << no_consent.message;
  const Answer& maybe = y.answers["erin answers maybe"];
  EXPECT_NE(maybe.message.find("/answer/decision"), std::string::npos) << maybe.message;
  const Answer& stray = y.answers["erin answers with a stray field"];
  EXPECT_NE(stray.message.find("/answer/mood"), std::string::npos) << stray.message;
  EXPECT_EQ(y.seen["erin state after wrong answers"], "invited");
}

TEST_F(LinksYear, AnInvitationAcceptedThroughItsLinkIsTheMenteesOwnConsent) {
  const Answer& a = y.answers["erin accepts"];
  ASSERT_TRUE(a.ok) << a.message;
  EXPECT_EQ(a.output, json({{"done", true},
                            {"purpose", "invitation"},
                            {"outcome", "accepted"},
                            {"words", a.output["words"]}}));
  EXPECT_NE(y.erin_state_after_accept, "invited");
  const json history = s.command("history", {{"person_id", "erin"}});
  bool own = false;
  for (const auto& t : history["transitions"])
    own = own || (t["to"] == "consented" && t["cause"] == "consent given by the person themself");
  EXPECT_TRUE(own) << history.dump(1);
}

TEST_F(LinksYear, ASecondUseOfTheInvitationLinkIsRefusedAndChangesNothing) {
  const Answer& again = y.answers["erin declines with the used link"];
  ASSERT_TRUE(again.ok) << again.message;
  EXPECT_EQ(again.output["done"], false);
  EXPECT_EQ(again.output["reason"], "used");
  EXPECT_EQ(again.output["outcome"], "accepted");
  EXPECT_EQ(again.output["on"], "2027-01-05");
  EXPECT_EQ(y.erin_state_after_second_use, y.erin_state_after_accept);
  EXPECT_EQ(y.erin_history_after_second_use, y.erin_history_after_accept);
  const Answer& opened = y.answers["erin opens the used link"];
  ASSERT_TRUE(opened.ok);
  EXPECT_EQ(opened.output["valid"], false);
  EXPECT_EQ(opened.output["reason"], "used");
  EXPECT_EQ(opened.output["outcome"], "accepted");
  EXPECT_FALSE(opened.output["words"].get<std::string>().empty());
}

TEST_F(LinksYear, AnExpiredInvitationLinkIsRefusedAndChangesNothing) {
  const Answer& opened = y.answers["tom opens late"];
  ASSERT_TRUE(opened.ok) << opened.message;
  EXPECT_EQ(opened.output["valid"], false);
  EXPECT_EQ(opened.output["reason"], "expired");
  const Answer& acted = y.answers["tom accepts late"];
  ASSERT_TRUE(acted.ok) << acted.message;
  EXPECT_EQ(acted.output["done"], false);
  EXPECT_EQ(acted.output["reason"], "expired");
  EXPECT_EQ(y.tom_state_after_act, y.tom_state_before_act);
  EXPECT_EQ(y.tom_history_after_act, y.tom_history_before_act);
}

TEST_F(LinksYear, AWithdrawnInvitationsLinkSaysSoAndAnErasedPersonsIsGone) {
  ASSERT_TRUE(y.answers["una withdrawn"].ok) << y.answers["una withdrawn"].message;
  const Answer& opened = y.answers["una opens after withdrawal"];
  ASSERT_TRUE(opened.ok) << opened.message;
  EXPECT_EQ(opened.output["valid"], false);
  EXPECT_EQ(opened.output["reason"], "withdrawn");
  const Answer& acted = y.answers["una accepts after withdrawal"];
  ASSERT_TRUE(acted.ok) << acted.message;
  EXPECT_EQ(acted.output["reason"], "withdrawn");
  EXPECT_EQ(y.seen["una state after withdrawal"], "withdrawn");
  ASSERT_TRUE(y.answers["una erased"].ok) << y.answers["una erased"].message;
  EXPECT_EQ(y.answers["una opens after erasure"].output["reason"], "gone");
}

TEST_F(LinksYear, TheMentorAnswersTheRequestFromHerLink) {
  ASSERT_TRUE(y.answers["erin asks for mona"].ok) << y.answers["erin asks for mona"].message;
  const Answer& opened = y.answers["mona opens"];
  ASSERT_TRUE(opened.ok) << opened.message;
  EXPECT_EQ(opened.output["purpose"], "mentor_proposal");
  EXPECT_EQ(opened.output["person"]["person_id"], "mona");
  EXPECT_EQ(opened.output["view"]["mentee"]["name"], "Erin Early");
  EXPECT_EQ(opened.output["view"]["mentee"]["goal"], kGoal);
  const Answer& no_reason = y.answers["mona declines without a reason"];
  EXPECT_FALSE(no_reason.ok);
  EXPECT_NE(no_reason.message.find("/answer/reason"), std::string::npos) << no_reason.message;
  const Answer& accepted = y.answers["mona accepts"];
  ASSERT_TRUE(accepted.ok) << accepted.message;
  EXPECT_EQ(accepted.output["outcome"], "accepted");
  EXPECT_NE(y.erin_pair, 0);
  const Answer& again = y.answers["mona accepts again"];
  ASSERT_TRUE(again.ok);
  EXPECT_EQ(again.output["reason"], "used");
}

TEST_F(LinksYear, ThePairPageShowsEachMemberTheirSide) {
  const Answer& erin = y.answers["erin opens the pair page"];
  ASSERT_TRUE(erin.ok) << erin.message;
  EXPECT_EQ(erin.output["purpose"], "pair");
  EXPECT_EQ(erin.output["view"]["me"], "mentee");
  EXPECT_EQ(erin.output["view"]["other"]["name"], "Mona Mentor");
  EXPECT_EQ(erin.output["view"]["goal"], kGoal);
  EXPECT_EQ(erin.output["view"]["pair_id"], std::to_string(y.erin_pair));
  const Answer& mona = y.answers["mona opens the pair page"];
  ASSERT_TRUE(mona.ok) << mona.message;
  EXPECT_EQ(mona.output["view"]["me"], "mentor");
  EXPECT_EQ(mona.output["view"]["other"]["name"], "Erin Early");
  EXPECT_EQ(mona.output["view"]["other"]["email"], "erin@linkdale.example");
}

TEST_F(LinksYear, AMeetingLoggedFromThePairLink) {
  for (const char* label :
       {"meeting tomorrow", "meeting on no day", "meeting of no length", "pair does nothing"}) {
    const Answer& a = y.answers[label];
    EXPECT_FALSE(a.ok) << label;
    EXPECT_EQ(a.status, MENTORING_ERR_INVALID_INPUT) << label;
  }
  EXPECT_NE(y.answers["meeting tomorrow"].message.find("/answer/date"), std::string::npos)
      << y.answers["meeting tomorrow"].message;
  EXPECT_NE(y.answers["meeting on no day"].message.find("/answer/date"), std::string::npos);
  EXPECT_NE(y.answers["meeting of no length"].message.find("/answer/duration_minutes"),
            std::string::npos);
  EXPECT_NE(y.answers["pair does nothing"].message.find("/answer/action"), std::string::npos);
  EXPECT_EQ(y.sessions_after_wrong_date, y.sessions_before_wrong_date);

  const Answer& logged = y.answers["erin logs a meeting"];
  ASSERT_TRUE(logged.ok) << logged.message;
  EXPECT_EQ(logged.output["outcome"], "logged");
  const json& sessions = y.seen["sessions as mentee"]["sessions"];
  ASSERT_EQ(sessions.size(), 1u) << y.seen["sessions as mentee"].dump();
  EXPECT_EQ(sessions[0]["held_on"], "2027-01-08");
  EXPECT_EQ(sessions[0]["recorded_by_role"], "mentee");
  EXPECT_EQ(sessions[0]["notes"], "we planned the handover");
  const json& page = y.answers["erin opens the pair page again"].output["view"];
  ASSERT_EQ(page["meetings"].size(), 1u);
  EXPECT_EQ(page["notes"][0],
            json({{"date", "2027-01-08"}, {"by", "mentee"}, {"text", "we planned the handover"}}));
}

TEST_F(LinksYear, TheNextMeetingMovedFromThePairLink) {
  EXPECT_NE(y.answers["move into the past"].message.find("/answer/date"), std::string::npos)
      << y.answers["move into the past"].message;
  EXPECT_NE(y.answers["move at no time"].message.find("/answer/start_time"), std::string::npos);
  const Answer& moved = y.answers["erin moves the next meeting"];
  ASSERT_TRUE(moved.ok) << moved.message;
  EXPECT_EQ(moved.output["outcome"], "moved");
  EXPECT_EQ(y.answers["erin opens the pair page again"].output["view"]["next_meeting"],
            json({{"date", "2027-02-20"}, {"start_time", "14:30"}}));
  // The calendar placeholder followed (same UID, a new SEQUENCE) with the next run.
  bool placed = false;
  for (const auto& e : y.seen["calendar after the move"])
    placed = placed || (e["date"] == "2027-02-20" && e["start_time"] == "14:30");
  EXPECT_TRUE(placed) << y.seen["calendar after the move"].dump(1);
}

TEST_F(LinksYear, ASurveyAnsweredAnonymouslyThroughItsLink) {
  const Answer& opened = y.answers["erin opens the survey"];
  ASSERT_TRUE(opened.ok) << opened.message;
  EXPECT_EQ(opened.output["purpose"], "survey");
  EXPECT_TRUE(opened.output["person"].is_null());  // the link names nobody
  const json& questions = opened.output["view"]["survey"]["questions"];
  ASSERT_EQ(questions.size(), 3u);
  EXPECT_EQ(questions[0], json({{"id", "useful"},
                                {"text", "How useful is the mentoring so far?"},
                                {"kind", "scale_1_5"},
                                {"min", 1},
                                {"max", 5},
                                {"optional", false}}));
  const Answer& wrong = y.answers["survey answered out of range"];
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.message.find("/answer/answers/useful"), std::string::npos) << wrong.message;
  const Answer& answered = y.answers["erin answers the survey"];
  ASSERT_TRUE(answered.ok) << answered.message;
  EXPECT_EQ(answered.output["outcome"], "answered");
  EXPECT_EQ(y.seen["survey answers"]["after"].get<std::int64_t>() -
                y.seen["survey answers"]["before"].get<std::int64_t>(),
            3);
  const Answer& again = y.answers["erin answers the survey again"];
  ASSERT_TRUE(again.ok);
  EXPECT_EQ(again.output["reason"], "used");
  EXPECT_EQ(again.output["outcome"], "answered");
  EXPECT_TRUE(again.output["on"].is_null());  // no day kept beside an anonymous answer
  // The spent survey link keeps no day; nothing in the answers names anyone.
  EXPECT_EQ(count_rows(s,
                       "SELECT COUNT(*) FROM link_spent WHERE purpose = 'survey' AND "
                       "spent_on IS NOT NULL"),
            0);
  EXPECT_EQ(count_rows(s, "SELECT COUNT(*) FROM link_spent WHERE purpose = 'survey'"), 1);
  EXPECT_EQ(count_rows(s,
                       "SELECT COUNT(*) FROM pragma_table_info('evaluation_answer') WHERE "
                       "name LIKE '%person%' OR name LIKE '%enrolment%' OR name LIKE '%token%'"),
            0);
}

TEST_F(LinksYear, AnotherOrganisationsLinkIsRefused) {
  const std::string& olga = y.tokens["olga invitation"];
  ASSERT_FALSE(olga.empty());
  const Answer& opened = open_link(s, olga);
  ASSERT_TRUE(opened.ok) << opened.message;
  EXPECT_EQ(opened.output["reason"], "other_organisation");
  const Answer& acted = act(s, olga, {{"decision", "accept"}, {"consent", true}});
  ASSERT_TRUE(acted.ok);
  EXPECT_EQ(acted.output["done"], false);
  EXPECT_EQ(acted.output["reason"], "other_organisation");
  // ... and still works at home.
  EXPECT_EQ(open_link(y.other, olga).output["valid"], true);
}

TEST_F(LinksYear, ForgedAndDamagedLinksAreRefused) {
  std::string forged = y.tokens["erin pair"];
  ASSERT_FALSE(forged.empty());
  forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(open_link(s, forged).output["reason"], "forged");
  EXPECT_EQ(act(s, forged, {{"action", "log_meeting"}, {"date", "2027-04-09"}}).output["reason"],
            "forged");
  EXPECT_EQ(open_link(s, "not-a-link").output["reason"], "malformed");
  EXPECT_EQ(open_link(s, std::string(2000, 'a')).output["reason"], "malformed");
}

TEST_F(LinksYear, EveryActionTheLinkRuleNamesCarriesItsLink) {
  using mentoring::domain::ActionTopic;
  std::set<std::string> purposes_seen;
  std::string missing;
  for (const auto& r : s.hr.received) {
    const std::string type = r.type();
    if (type != "invite" && type != "notify" && type != "reminder" && type != "calendar_event")
      continue;
    const std::string key = r.action.at("idempotency_key").get<std::string>();
    const std::string prefix = key.substr(0, key.find('/'));
    std::optional<ActionTopic> topic;
    for (int t = 0; t <= static_cast<int>(ActionTopic::pair_request_answer); ++t) {
      if (mentoring::domain::key_prefix(static_cast<ActionTopic>(t)) == prefix)
        topic = static_cast<ActionTopic>(t);
    }
    ASSERT_TRUE(topic) << key;
    const json& payload = r.action.at("payload");
    const auto purpose = mentoring::links::purpose_for(*topic, payload.value("kind", ""));
    if (!purpose) {
      EXPECT_FALSE(payload.contains("link")) << key;
      continue;
    }
    if (payload.value("method", "") == "CANCEL") continue;  // a cancellation has nothing to do
    const std::string want(mentoring::links::to_string(*purpose));
    auto carries = [&want](const json& holder) {
      return holder.contains("link") && holder["link"].value("purpose", "") == want &&
             !holder["link"].value("token", "").empty();
    };
    const json attendees = payload.value("attendees", json::array());
    if (attendees.size() > 1) {
      // A pair's event: no link of one member for all; each member their own.
      if (payload.contains("link")) missing += "\n  " + r.day + " " + key + " (the event's own)";
      for (const auto& a : attendees) {
        if (!carries(a)) missing += "\n  " + r.day + " " + key + " " + a.value("person_id", "");
      }
    } else if (!carries(payload)) {
      missing += "\n  " + r.day + " " + key;
      continue;
    }
    purposes_seen.insert(want);
    // An event for a pair: each member's e-mail carries their own link, naming them.
    for (const auto& a : payload.value("attendees", json::array())) {
      if (!a.contains("link")) continue;
      if (person_claimed(a["link"].value("token", "")) != a.value("person_id", ""))
        missing += "\n  " + r.day + " " + key + " attendee " + a.value("person_id", "");
    }
  }
  EXPECT_TRUE(missing.empty()) << "without their link:" << missing;
  EXPECT_EQ(purposes_seen,
            (std::set<std::string>{"invitation", "mentor_proposal", "pair", "survey"}));
}

TEST_F(LinksYear, NoDeliveredLinkStaysInThePluginsFiles) {
  EXPECT_EQ(count_rows(s,
                       "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL AND "
                       "json_extract(payload, '$.payload.link.token') IS NOT NULL"),
            0);
  EXPECT_GT(count_rows(s,
                       "SELECT COUNT(*) FROM outbox WHERE "
                       "json_extract(payload, '$.payload.link.purpose') IS NOT NULL"),
            0);
  // Not in the database's bytes either (the write-ahead log included).
  namespace fs = std::filesystem;
  std::string bytes;
  for (const auto& entry : fs::recursive_directory_iterator(s.host.storage_directory())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_FALSE(bytes.empty());
  for (const auto& [label, token] : y.tokens) {
    ASSERT_FALSE(token.empty()) << label;
    if (label == "olga invitation") continue;
    EXPECT_EQ(bytes.find(token.substr(token.find('.') + 1)), std::string::npos) << label;
  }
}

}  // namespace
