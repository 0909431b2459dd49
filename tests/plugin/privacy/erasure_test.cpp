// subject_erase: the person's data leaves the database file's bytes (the file
// and its write-ahead log, read raw while the plugin still has it open), the
// other member of a running pair is told the pairing ended (never why), and
// the anonymous answers and the evaluation figures stay as they were.
#include "privacy_fixture.hpp"

using namespace privacy_test;

namespace {

const char* const kName = "Zofia Quarmby";
const char* const kEmail = "zofia.quarmby@acme.example";
const char* const kNumber = "EMP-99123";
const char* const kId = "E-7731";
const char* const kLeave = "LV-ZQ-1";
const char* const kNote = "confided about her sick father";
const char* const kGoal = "lead the design team again";

}  // namespace

class Erasure : public PrivacyPlugin {
 protected:
  Seeded zofia;
  void seed_zofia() {
    seed([&](mentoring::store::OrgStore& s) {
      Person p;
      p.id = kId, p.name = kName, p.email = kEmail, p.employee_number = kNumber;
      p.department = "Design";
      s.upsert(p);
      Person colleague;  // her report: his manager is Zofia
      colleague.id = "REPORT1", colleague.name = "Person REPORT1", colleague.manager_id = kId;
      s.upsert(colleague);
    });
    seed_leave(kLeave, kId, "2027-02-01", "2027-07-31");
    zofia = seed_pair(kId, "MENTOR9", "2027-01-04", kLeave);
    seed([&](mentoring::store::OrgStore& s) { s.set_goal(zofia.mentee_enrolment, kGoal, ""); });
    sql("INSERT INTO pair_session(pair_id, held_on, notes, recorded_by_role, recorded_at) VALUES "
        "(" +
        std::to_string(zofia.pair) + ", '2027-01-20', '" + kNote +
        "', 'mentee', '2027-01-20T10:00:00Z')");
  }

  std::vector<json> pushed_to(const std::string& person) const {
    std::vector<json> out;
    for (const auto& a : hr.pushed)
      if (a["person_id"] == person) out.push_back(a);
    return out;
  }
};

TEST_F(Erasure, ThePersonLeavesTheFilesBytesAndTheFiguresStay) {
  seed_answered_surveys();  // six other pairs with answers: figures shown
  seed_zofia();
  at("2027-09-26");
  run();  // Zofia's surveys go out (she and her mentor were paired on 2027-01-04)
  const std::string token = token_of(kId, "mid");
  ASSERT_FALSE(token.empty());
  call("evaluation_answer",
       {{"token", token}, {"answers", {{"useful", 3}, {"enough", true}, {"improve", "quiet"}}}});
  modules_extra = {{"enrolment", true}};                             // history is enrolment's
  call_as("hr", "hr token alice", "history", {{"person_id", kId}});  // an audited read
  modules_extra = json::object();
  run();
  const json before = figures();
  for (const std::string needle : {kName, kEmail, kId, kNote, kGoal, kLeave})
    ASSERT_NE(files_holding(needle), "") << needle << " should be there before the erasure";

  auto instance = plugin();  // open while the bytes are read: the log is read as it is
  json caller = {{"organisation", org}, {"role", "admin"}, {"name", "admin token dpo"}};
  json out = json::parse(instance.call_as(caller.dump(), "subject_erase",
                                          json({{"person_id", kNumber}}).dump()));  // by number
  EXPECT_TRUE(out["erased"].get<bool>());
  EXPECT_TRUE(out["file_scrubbed"].get<bool>());
  EXPECT_EQ(out["pairs_ended"], 1);
  EXPECT_EQ(out["enrolments_withdrawn"], 1);
  for (const std::string& needle :
       std::vector<std::string>{kName, kEmail, kNumber, kId, kNote, kGoal, kLeave, token})
    EXPECT_EQ(files_holding(needle), "") << needle;

  EXPECT_EQ(figures(), before);  // counts and figures, her anonymous answer included
  // The pseudonym stands in: her report's manager, the audit trail.
  json log = call("audit_log", json::object());
  bool erase_logged = false;
  for (const auto& e : log["entries"]) {
    if (e["command"] == "subject_erase") erase_logged = e["person_ids"][0] == out["pseudonym"];
  }
  EXPECT_TRUE(erase_logged) << log.dump(2);
  // A second request finds nobody.
  EXPECT_NE(error_of("subject_erase", {{"person_id", kId}}).find("/person_id"), std::string::npos);
  EXPECT_NE(error_of("subject_export", {{"person_id", kId}}).find("/person_id"), std::string::npos);
}

TEST_F(Erasure, TheOtherMemberOfARunningPairIsToldItEndedButNotWhy) {
  seed_zofia();
  at("2027-02-01");
  call("subject_erase", {{"person_id", kId}});
  run();  // delivers
  auto told = pushed_to("MENTOR9");
  ASSERT_FALSE(told.empty());
  const json& last = told.back();
  EXPECT_EQ(last["idempotency_key"].get<std::string>().rfind("pair-ended/", 0), 0u) << last.dump();
  const std::string words = last.dump();
  EXPECT_NE(words.find("your pairing has ended"), std::string::npos);
  EXPECT_EQ(words.find("eras"), std::string::npos) << words;
  EXPECT_EQ(words.find(kName), std::string::npos);
  EXPECT_EQ(words.find(kId), std::string::npos);
  EXPECT_TRUE(pushed_to(kId).empty());  // nothing more goes to her
  // The mentor's own records stay, with the pair ended.
  modules_extra = {{"enrolment", true}};  // history is enrolment's
  json history = call("history", {{"person_id", "MENTOR9"}});
  EXPECT_FALSE(history["transitions"].empty());
  EXPECT_EQ(history.dump().find(kId), std::string::npos);
}

TEST_F(Erasure, OnlyAPersonTheOrganisationHoldsCanBeErased) {
  EXPECT_NE(error_of("subject_erase", {{"person_id", "NOBODY"}}).find("/person_id"),
            std::string::npos);
  EXPECT_NE(error_of("subject_erase", json::object()).find("person_id"), std::string::npos);
}

TEST_F(Erasure, TheHrSystemSendingThePersonAgainDoesNotBringThemBack) {
  seed_zofia();
  hr.people.push_back({{"id", kId}, {"name", kName}, {"email", kEmail}});
  at("2027-02-01");
  run();
  call("subject_erase", {{"person_id", kId}});
  ++hr.version;  // the HR system sends everyone again, Zofia too
  auto instance = plugin();
  json summary = json::parse(instance.call("run", "{}"));
  for (const std::string& needle : std::vector<std::string>{kName, kEmail, kId})
    EXPECT_EQ(files_holding(needle), "") << needle << "\n" << summary.dump();
  EXPECT_EQ(summary["quarantined"], 0);
  EXPECT_NE(error_of("subject_export", {{"person_id", kId}}).find("/person_id"), std::string::npos);
}
