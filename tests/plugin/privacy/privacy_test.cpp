// Privacy by design (issue 14): the audit log of HR's and admins' reads,
// subject export, retention and survey tokens, through the loaded plugin.
#include "privacy_fixture.hpp"

#include <mentoring/evaluation/tokens.hpp>

#include <SQLiteCpp/Statement.h>

#include <set>

using namespace privacy_test;

namespace {

json entries_for(const json& log, const std::string& command) {
  json out = json::array();
  for (const auto& e : log["entries"])
    if (e["command"] == command) out.push_back(e);
  return out;
}

}  // namespace

TEST_F(PrivacyPlugin, AnHrReadOfAPersonIsAuditedWithWhoWhenAndWhom) {
  modules_extra = {{"enrolment", true}};  // history is enrolment's
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  at("2027-02-01");
  call_as("hr", "hr token alice", "history", {{"person_id", "MENTEE1"}});

  json log = call("audit_log", json::object());
  json reads = entries_for(log, "history");
  ASSERT_EQ(reads.size(), 1u) << log.dump(2);
  EXPECT_EQ(reads[0]["caller"]["role"], "hr");
  EXPECT_EQ(reads[0]["caller"]["name"], "hr token alice");
  EXPECT_EQ(reads[0]["input"]["person_id"], "MENTEE1");
  EXPECT_EQ(reads[0]["person_ids"], json::array({"MENTEE1"}));
  EXPECT_EQ(reads[0]["person_count"], 1);
  EXPECT_EQ(reads[0]["at"].get<std::string>().substr(0, 10), "2027-02-01");
}

TEST_F(PrivacyPlugin, AListReadNamesEveryPersonItShowed) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  seed_pair("MENTEE2", "MENTOR2", "2027-01-04");
  at("2027-04-04");
  run();  // four survey invitations in the outbox
  call_as("admin", "admin token bob", "actions", {{"state", "delivered"}});
  json log = call("audit_log", json::object());
  json reads = entries_for(log, "actions");
  ASSERT_EQ(reads.size(), 1u) << log.dump(2);
  EXPECT_EQ(reads[0]["caller"]["role"], "admin");
  EXPECT_EQ(reads[0]["caller"]["name"], "admin token bob");
  std::set<std::string> shown;
  for (const auto& id : reads[0]["person_ids"]) shown.insert(id.get<std::string>());
  EXPECT_EQ(shown, (std::set<std::string>{"MENTEE1", "MENTOR1", "MENTEE2", "MENTOR2"}));
  EXPECT_EQ(reads[0]["person_count"], 4);
  EXPECT_EQ(reads[0]["input"], json({{"state", "delivered"}}));
}

TEST_F(PrivacyPlugin, ReadsThatAreNotAuditedLeaveNoRow) {
  modules_extra = {{"enrolment", true}};  // history is enrolment's
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  // Not personal data: the anonymous report.
  call_as("hr", "hr token alice", "evaluation_report", json::object());
  // A participant reading their own history is not HR reading it.
  call_as("mentee", "MENTEE1", "history", {{"person_id", "MENTEE1"}});
  json log = call("audit_log", json::object());
  for (const auto& e : log["entries"]) {
    EXPECT_NE(e["command"], "evaluation_report");
    EXPECT_NE(e["command"], "history");
  }
}

TEST_F(PrivacyPlugin, TheAuditLogFiltersByPersonAndTimeAndIsBounded) {
  modules_extra = {{"enrolment", true}};  // history is enrolment's
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  at("2027-02-01");
  call_as("hr", "hr token alice", "history", {{"person_id", "MENTEE1"}});
  at("2027-03-01");
  for (int i = 0; i < 3; ++i)
    call_as("hr", "hr token alice", "history", {{"person_id", "MENTOR1"}});

  json mentee = call("audit_log", {{"person_id", "MENTEE1"}});
  ASSERT_EQ(entries_for(mentee, "history").size(), 1u);
  json march = call("audit_log", {{"since", "2027-03-01"}});
  EXPECT_EQ(entries_for(march, "history").size(), 3u);
  json two = call("audit_log", {{"since", "2027-03-01"}, {"limit", 2}});
  EXPECT_EQ(two["entries"].size(), 2u);
  EXPECT_TRUE(two["more"].get<bool>());
  EXPECT_FALSE(march["more"].get<bool>());
  EXPECT_NE(error_of("audit_log", {{"limit", 100000}}).find("/limit"), std::string::npos);
  EXPECT_NE(error_of("audit_log", {{"since", "last week"}}).find("/since"), std::string::npos);
}

TEST_F(PrivacyPlugin, AReadThatCannotBeAuditedIsNotAnswered) {
  modules_extra = {{"enrolment", true}};  // history is enrolment's
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  sql("DROP TABLE audit_subject");  // the audit cannot be written
  json caller = {{"organisation", org}, {"role", "hr"}, {"name", "hr token alice"}};
  EXPECT_ANY_THROW(
      plugin().call_as(caller.dump(), "history", json({{"person_id", "MENTEE1"}}).dump()));
}

TEST_F(PrivacyPlugin, AnExportHoldsTheirRecordsAndTheirOwnWordsButNotTheOtherMembers) {
  auto seeded = seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  seed([&](mentoring::store::OrgStore& s) {
    s.set_goal(seeded.mentee_enrolment, "lead the design team again", "someone who went part-time");
  });
  sql("INSERT INTO pair_session(pair_id, held_on, notes, recorded_by_role, recorded_at) VALUES (" +
      std::to_string(seeded.pair) +
      ", '2027-01-20', 'mentee wrote: nursery hours', 'mentee', '2027-01-20T10:00:00Z'), (" +
      std::to_string(seeded.pair) +
      ", '2027-02-20', 'mentor wrote: seemed tired', 'mentor', '2027-02-20T10:00:00Z')");
  at("2027-04-04");
  run();  // a survey invitation goes out with a token

  json out = call("subject_export", {{"person_id", "MENTEE1"}});
  const json& data = out["data"];
  ASSERT_EQ(data["person"].size(), 1u);
  EXPECT_EQ(data["person"][0]["name"], "Person MENTEE1");
  ASSERT_EQ(data["enrolments"].size(), 1u);
  EXPECT_EQ(data["enrolments"][0]["goal"], "lead the design team again");
  ASSERT_EQ(data["pairs"].size(), 1u);
  EXPECT_EQ(data["pairs"][0]["other_member_id"], "MENTOR1");
  ASSERT_EQ(data["pair_sessions"].size(), 2u);
  EXPECT_EQ(data["pair_sessions"][0]["notes_i_wrote"], "mentee wrote: nursery hours");
  EXPECT_TRUE(data["pair_sessions"][1]["notes_i_wrote"].is_null());
  ASSERT_EQ(data["survey_invitations"].size(), 1u);
  EXPECT_FALSE(data["survey_invitations"][0].contains("token_hash"));
  EXPECT_FALSE(data["enrolment_history"].empty());
  // Nothing that lets anyone answer a survey as them.
  const std::string token = token_of("MENTEE1", "mid");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(out.dump().find(token), std::string::npos);
  EXPECT_EQ(out.dump().find(mentoring::evaluation::sha256_hex(token)), std::string::npos);
  EXPECT_EQ(out.dump().find("seemed tired"), std::string::npos);
  // The export is itself a read of their data, on the record.
  json log = call("audit_log", {{"person_id", "MENTEE1"}});
  EXPECT_EQ(entries_for(log, "subject_export").size(), 1u);
}

TEST_F(PrivacyPlugin, AnExportOfSomeoneUnknownIsRefused) {
  EXPECT_NE(error_of("subject_export", {{"person_id", "NOBODY"}}).find("/person_id"),
            std::string::npos);
}

TEST_F(PrivacyPlugin, RetentionPseudonymisesFinishedParticipantsOnlyOnceTheirTimeHasCome) {
  policy_extra = {{"retention_months", 12}};
  seed_person("DONE1");
  seed([&](mentoring::store::OrgStore& s) {
    Person p;
    p.id = "DONE1", p.name = "Winifred Oddsock", p.email = "winifred.oddsock@acme.example";
    s.upsert(p);
  });
  auto done = seed_pair("DONE1", "MENTORX", "2027-01-04", std::nullopt, std::nullopt,
                        EnrolmentState::completed, EnrolmentState::completed);
  seed([&](mentoring::store::OrgStore& s) {
    s.set_goal(done.mentee_enrolment, "goal-of-winifred", "");
  });
  seed_pair("OPEN1", "MENTORY", "2027-01-04");  // still running: kept

  at("2027-12-31");  // under 12 months since the last change
  json summary = run();
  EXPECT_EQ(summary["privacy"]["retention_months"], 12);
  EXPECT_EQ(summary["privacy"]["pseudonymised"], 0);
  EXPECT_NE(files_holding("Winifred Oddsock"), "");

  at("2028-01-04");
  summary = run();
  EXPECT_EQ(summary["privacy"]["pseudonymised"], 2) << summary["privacy"].dump();  // mentee, mentor
  for (const std::string needle : {"Winifred Oddsock", "winifred.oddsock@acme.example",
                                   "goal-of-winifred", "\"DONE1\"", "MENTORX"})
    EXPECT_EQ(files_holding(needle), "") << needle;
  EXPECT_NE(files_holding("Person OPEN1"), "");
  EXPECT_EQ(error_of("history", {{"person_id", "DONE1"}}).find("(no error)"), std::string::npos);
  EXPECT_EQ(run()["privacy"]["pseudonymised"], 0);  // once
}

TEST_F(PrivacyPlugin, WithoutARetentionPeriodNothingIsPseudonymised) {
  seed_pair("DONE1", "MENTORX", "2020-01-04", std::nullopt, std::nullopt, EnrolmentState::completed,
            EnrolmentState::completed);
  at("2027-01-04");
  json summary = run();
  EXPECT_TRUE(summary["privacy"]["retention_months"].is_null());
  EXPECT_EQ(summary["privacy"]["pseudonymised"], 0);
  EXPECT_NE(files_holding("Person DONE1"), "");
}

TEST_F(PrivacyPlugin, RetentionKeepsTheEvaluationFigures) {
  seed_answered_surveys();
  sql("UPDATE enrolment SET state = 'completed'");
  at("2027-12-01");
  run();  // whatever this day's run sends, before the figures are taken
  const json before = figures();
  policy_extra = {{"retention_months", 1}};
  json summary = run();
  EXPECT_EQ(summary["privacy"]["pseudonymised"], 12);
  json after = figures();
  EXPECT_EQ(after, before);
  EXPECT_EQ(files_holding("Person MENTEE3"), "");
}

TEST_F(PrivacyPlugin, ASurveyTokenIsInTheDeliveredLineOnlyNotInThePluginsFile) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  at("2027-04-04");
  auto instance = plugin();
  json summary = json::parse(instance.call("run", "{}"));
  const std::string token = token_of("MENTEE1", "mid");
  ASSERT_GE(token.size(), 32u);  // the host system got it, once
  // The plugin keeps the hash (to check the answer), never the token: not in
  // the outbox row, not in freed pages, not in the write-ahead log.
  EXPECT_EQ(files_holding(token), "");
  EXPECT_NE(files_holding(mentoring::evaluation::sha256_hex(token)), "");
  // And the answer still works with it.
  call("evaluation_answer",
       {{"token", token}, {"answers", {{"useful", 4}, {"enough", true}, {"improve", "x"}}}});
}

TEST_F(PrivacyPlugin, APseudonymisedPersonTheHrSystemSendsAgainComesBackWithoutHistory) {
  policy_extra = {{"retention_months", 12}};
  hr.people.push_back({{"id", "DONE1"}, {"name", "Winifred Oddsock"}});
  seed_pair("DONE1", "MENTORX", "2027-01-04", std::nullopt, std::nullopt, EnrolmentState::completed,
            EnrolmentState::completed);
  at("2028-01-04");
  EXPECT_EQ(run()["privacy"]["pseudonymised"], 2);
  EXPECT_EQ(files_holding("Winifred Oddsock"), "");
  ++hr.version;  // the HR system sends her again
  at("2028-01-05");
  EXPECT_EQ(run()["privacy"]["pseudonymised"], 0);
  json out = call("subject_export", {{"person_id", "DONE1"}});
  EXPECT_EQ(out["data"]["person"][0]["name"], "Winifred Oddsock");
  EXPECT_TRUE(out["data"]["enrolments"].empty());  // her history stayed with the pseudonym
}
