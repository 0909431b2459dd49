// Survey invitations on run, and anonymous answers, through the loaded plugin.
#include "evaluation_fixture.hpp"

#include <mentoring/store/evaluation_repository.hpp>

#include <SQLiteCpp/Statement.h>

#include <set>

using namespace evaluation_test;

TEST_F(EvaluationPlugin, ASurveyIsSentWhenDueAndNeverTwice) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  at("2027-04-03");  // 89 days after pairing
  json summary = run();
  EXPECT_EQ(summary["modules"]["evaluation"]["status"], "ran");
  EXPECT_EQ(summary["modules"]["evaluation"]["programmes"]["rtw"]["issued"], 0);
  EXPECT_TRUE(invitations().empty());

  at("2027-04-04");  // 90 days
  summary = run();
  EXPECT_EQ(summary["modules"]["evaluation"]["programmes"]["rtw"]["issued"], 2);
  ASSERT_EQ(invitations().size(), 2u);
  for (const auto& action : invitations()) {
    EXPECT_TRUE(mentoring::schema::validate("action", action, "pushed").empty());
    EXPECT_EQ(action["type"], "notify");
    const json& p = action["payload"];
    EXPECT_EQ(p["survey"]["id"], "mid");
    EXPECT_EQ(p["survey"]["name"], "Mid-programme");
    ASSERT_EQ(p["survey"]["questions"].size(), 3u);
    EXPECT_EQ(p["survey"]["questions"][0]["text"], "How useful?");
    EXPECT_GE(p["token"].get<std::string>().size(), 32u);
  }
  EXPECT_NE(token_of("MENTEE1", "mid"), token_of("MENTOR1", "mid"));

  // Later runs, even with the host sending everything again, send nothing new.
  for (const char* day : {"2027-04-05", "2027-06-01"}) {
    at(day);
    ++hr.version;
    EXPECT_EQ(run()["modules"]["evaluation"]["issued"], 0);
  }
  EXPECT_EQ(invitations().size(), 2u);
}

TEST_F(EvaluationPlugin, WhoDecidesWhichRoleIsAsked) {
  seed_person("MENTEE1");
  seed_leave("L1", "MENTEE1", "2027-02-01", "2027-07-31");  // back on 2027-08-01
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04", "L1", "2027-12-31");
  at("2028-01-05");  // every survey is due
  run();
  EXPECT_EQ(invitations_to("MENTEE1", "mid").size(), 1u);  // both
  EXPECT_EQ(invitations_to("MENTOR1", "mid").size(), 1u);
  EXPECT_EQ(invitations_to("MENTEE1", "back").size(), 1u);  // mentees only
  EXPECT_EQ(invitations_to("MENTOR1", "back").size(), 0u);
  EXPECT_EQ(invitations_to("MENTOR1", "end").size(), 1u);  // mentors only
  EXPECT_EQ(invitations_to("MENTEE1", "end").size(), 0u);
  EXPECT_EQ(invitations().size(), 4u);
}

TEST_F(EvaluationPlugin, TheReturnSurveyWaitsForTheReturnPlusItsOffset) {
  seed_person("MENTEE1");
  seed_leave("L1", "MENTEE1", "2027-02-01", "2027-07-31");  // back on 2027-08-01
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04", "L1");
  at("2027-09-25");  // 55 days after return
  run();
  EXPECT_TRUE(invitations_to("MENTEE1", "back").empty());
  at("2027-09-26");  // 56 days
  run();
  EXPECT_EQ(invitations_to("MENTEE1", "back").size(), 1u);
}

TEST_F(EvaluationPlugin, WithdrawnPeopleAndPeopleWhoLeftAreNotAsked) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04", std::nullopt, std::nullopt,
            EnrolmentState::withdrawn, EnrolmentState::paired);
  seed_pair("MENTEE2", "MENTOR2", "2027-01-04");
  seed_person("MENTOR2", "2027-03-01");  // left the organisation
  at("2027-04-04");
  run();
  EXPECT_TRUE(invitations_to("MENTEE1", "mid").empty());
  EXPECT_EQ(invitations_to("MENTOR1", "mid").size(), 1u);
  EXPECT_EQ(invitations_to("MENTEE2", "mid").size(), 1u);
  EXPECT_TRUE(invitations_to("MENTOR2", "mid").empty());
}

TEST_F(EvaluationPlugin, ATokenAnswersOnceAndAnUnknownOneNever) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  at("2027-04-04");
  run();
  const std::string token = token_of("MENTEE1", "mid");
  const json answers = {{"useful", 4}, {"enough", true}, {"improve", "More time"}};
  json out = call("evaluation_answer", {{"token", token}, {"answers", answers}});
  EXPECT_EQ(out,
            json({{"recorded", true}, {"programme", "rtw"}, {"survey", "mid"}, {"questions", 3}}));

  std::string again = error_of("evaluation_answer", {{"token", token}, {"answers", answers}});
  EXPECT_NE(again.find("/token: found a token that was used already"), std::string::npos) << again;
  std::string unknown =
      error_of("evaluation_answer", {{"token", std::string(48, 'a')}, {"answers", answers}});
  EXPECT_NE(unknown.find("/token: found a token no survey invitation was issued with"),
            std::string::npos)
      << unknown;
  EXPECT_EQ(unknown.find(std::string(48, 'a')), std::string::npos);  // never echoed
  // Only the one answer was counted.
  mentoring::store::OrgStore store(host.storage_directory(), "acme");
  mentoring::store::SqliteEvaluationRepository evaluation(store.session());
  auto responses = evaluation.response_counts("rtw");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].count, 1);
}

TEST_F(EvaluationPlugin, InvalidAnswersNameTheirPointerAndLeaveTheTokenUnused) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  at("2027-04-04");
  run();
  const std::string token = token_of("MENTEE1", "mid");
  std::string error =
      error_of("evaluation_answer",
               {{"token", token},
                {"answers", {{"useful", 7}, {"improve", std::string(2001, 'x')}, {"bogus", 1}}}});
  EXPECT_NE(
      error.find("evaluation_answer: /answers/useful: found 7; expected an integer from 1 to 5"),
      std::string::npos)
      << error;
  EXPECT_NE(error.find("/answers/enough: found (missing); expected true or false"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("/answers/improve: found a text of 2001 bytes; expected a text of at most "
                       "2000 characters"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("/answers/bogus: found unknown question \"bogus\"; expected one of: useful, "
                       "enough, improve"),
            std::string::npos)
      << error;
  std::string shape = error_of("evaluation_answer", {{"token", token}});
  EXPECT_NE(shape.find("/answers"), std::string::npos) << shape;
  // Nothing was spent: the corrected answers go through.
  json ok =
      call("evaluation_answer",
           {{"token", token}, {"answers", {{"useful", 5}, {"enough", false}, {"improve", ""}}}});
  EXPECT_EQ(ok["recorded"], true);
}

TEST_F(EvaluationPlugin, AnOptionalQuestionMayBeLeftOutAndTheOthersMayNot) {
  programme["evaluation"]["surveys"][0]["questions"][2]["optional"] = true;  // "improve"
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  at("2027-04-04");
  run();
  const std::string token = token_of("MENTEE1", "mid");
  std::string error =
      error_of("evaluation_answer", {{"token", token}, {"answers", {{"useful", 4}}}});
  EXPECT_NE(error.find("/answers/enough: found (missing)"), std::string::npos) << error;
  EXPECT_EQ(error.find("/answers/improve"), std::string::npos) << error;
  json out =
      call("evaluation_answer", {{"token", token}, {"answers", {{"useful", 4}, {"enough", true}}}});
  EXPECT_EQ(out["recorded"], true);
  EXPECT_EQ(out["questions"], 2);
}

TEST_F(EvaluationPlugin, AnswersCannotBeJoinedBackToAPerson) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  at("2027-04-04");
  run();
  call("evaluation_answer", {{"token", token_of("MENTEE1", "mid")},
                             {"answers", {{"useful", 4}, {"enough", true}, {"improve", "x"}}}});
  mentoring::store::OrgStore store(host.storage_directory(), "acme");
  auto columns = [&](const std::string& table) {
    std::set<std::string> out;
    SQLite::Statement q(store.database(), "SELECT name FROM pragma_table_info(?)");
    q.bind(1, table);
    while (q.executeStep()) out.insert(q.getColumn(0).getString());
    return out;
  };
  // Programme, survey, role, question, month, value and how many gave it: no
  // person, enrolment, token, or time finer than the month.
  EXPECT_EQ(columns("evaluation_answer"),
            (std::set<std::string>{"programme_id", "survey_id", "role", "question_id", "month",
                                   "value", "count"}));
  EXPECT_EQ(columns("evaluation_response"),
            (std::set<std::string>{"programme_id", "survey_id", "role", "month", "count"}));
  // No rowid either: the order answers arrived in is not kept.
  EXPECT_THROW(SQLite::Statement(store.database(), "SELECT rowid FROM evaluation_answer"),
               SQLite::Exception);
  SQLite::Statement month(store.database(), "SELECT DISTINCT month FROM evaluation_answer");
  ASSERT_TRUE(month.executeStep());
  EXPECT_EQ(month.getColumn(0).getString(), "2027-04");
  // The invitation keeps a hash: the token itself is in no table, not even the
  // outbox once the host has the action.
  const std::string token = token_of("MENTEE1", "mid");
  for (const char* sql : {"SELECT COUNT(*) FROM evaluation_invitation WHERE token_hash = ?",
                          "SELECT COUNT(*) FROM outbox WHERE instr(payload, ?) > 0"}) {
    SQLite::Statement q(store.database(), sql);
    q.bind(1, token);
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getInt(), 0) << sql;
  }
}

TEST_F(EvaluationPlugin, ABadSurveyDefinitionIsRefusedWithItsPointer) {
  json config = this->config();
  config["programmes"][0]["evaluation"]["surveys"][1]["questions"][1].erase("options");
  config["programmes"][0]["evaluation"]["surveys"][0]["questions"][0]["measures"] =
      "weeks_to_full_productivity";
  try {
    mentoring::host::ModuleInstance(mentoring::host::ModuleLibrary::load(MENTORING_PLUGIN_PATH),
                                    host.host(), config.dump());
    FAIL() << "loaded";
  } catch (const std::exception& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("/evaluation/surveys/1/questions/1/options: found (missing)"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("/evaluation/surveys/0/questions/0/measures"), std::string::npos) << what;
  }
}

TEST_F(EvaluationPlugin, TheReferenceProgrammesCarryValidSurveys) {
  for (const char* name : {"return-to-work", "maternity-consultancy", "career-network"}) {
    json definition =
        mentoring::schema::parse_file(std::string(PROGRAMMES_DIR) + "/" + name + ".json");
    EXPECT_TRUE(mentoring::schema::validate("programme", definition, name).empty()) << name;
    json config = this->config();
    config["programmes"] = json::array({definition});
    EXPECT_NO_THROW(mentoring::host::ModuleInstance(
        mentoring::host::ModuleLibrary::load(MENTORING_PLUGIN_PATH), host.host(), config.dump()))
        << name;
    const json& surveys = definition["evaluation"]["surveys"];
    std::set<std::string> who;
    for (const auto& s : surveys) who.insert(s["who"].get<std::string>());
    EXPECT_TRUE(who.count("mentees") && who.count("mentors")) << name;
  }
}

TEST_F(EvaluationPlugin, ADroppedSurveyInvitationKeepsNoTokenEither) {
  seed_pair("MENTEE1", "MENTOR1", "2027-01-04");
  hr.push_not_handled = true;  // the host refuses every write-back
  at("2027-04-04");
  run();
  ASSERT_TRUE(invitations().empty());
  auto outbox_row = [&](const std::string& where) {
    mentoring::store::OrgStore store(host.storage_directory(), "acme");
    SQLite::Statement q(store.database(),
                        "SELECT idempotency_key, json_extract(payload, '$.payload.token') "
                        "FROM outbox WHERE " +
                            where);
    EXPECT_TRUE(q.executeStep()) << where;
    return std::pair{q.getColumn(0).getString(), q.getColumn(1).getString()};
  };
  auto [key, token] = outbox_row(
      "json_extract(payload, '$.person_id') = 'MENTEE1' "
      "AND idempotency_key LIKE 'evaluation-survey/%' "
      "AND json_extract(payload, '$.payload.survey.id') = 'mid'");
  ASSERT_GE(token.size(), 32u) << "a refused invitation keeps its token for the next attempt";
  call("action_drop", {{"idempotency_key", key}, {"reason", "the address bounces"}});
  at("2027-04-05");
  run();
  auto [same_key, kept] = outbox_row("idempotency_key = '" + key + "' AND dropped_at IS NOT NULL");
  EXPECT_EQ(same_key, key);
  EXPECT_EQ(kept, "") << "a dropped invitation never goes out: its token goes";
}
