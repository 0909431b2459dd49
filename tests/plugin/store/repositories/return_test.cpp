// The return steps repository (issue 17) on every backend: the line manager's steps, one row
// per programme, leave and step, replaced as the return_to_work pass plans them again.
#include "backend.hpp"

#include <mentoring/store/postgres/return_repository.hpp>
#include <mentoring/store/return_repository.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using namespace mentoring::store;
using namespace mentoring::domain;
using mentoring::store::testing::RepositoryTest;

namespace {

Date day(const char* text) {
  return *parse_date(text);
}

class ReturnRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<ReturnRepository> returns =
      backend->make<ReturnRepository, SqliteReturnRepository, postgres::PostgresReturnRepository>();
};

ReturnRepository::Step step(const std::string& programme, const std::string& leave,
                            const std::string& id, const std::string& person, const char* due) {
  ReturnRepository::Step s;
  s.programme_id = programme;
  s.leave_id = leave;
  s.step_id = id;
  s.person_id = person;
  s.due_on = day(due);
  s.status = "planned";
  return s;
}

std::vector<std::string> ids(const std::vector<ReturnRepository::Step>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.push_back(s.programme_id + "/" + s.leave_id + "/" + s.step_id);
  return out;
}

}  // namespace

TEST_P(ReturnRepositories, AStepIsSavedWithEveryFieldAndReplacedByItsKey) {
  auto planned = step("rtw", "L1", "welcome", "P1", "2027-05-03");
  returns->save_step(planned, "2027-04-01T09:00:00Z");
  auto back = returns->steps_of_leave("rtw", "L1");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].person_id, "P1");
  EXPECT_EQ(back[0].line_manager_id, std::nullopt);
  EXPECT_EQ(back[0].due_on, day("2027-05-03"));
  EXPECT_EQ(back[0].status, "planned");
  EXPECT_EQ(back[0].round, 0);
  EXPECT_EQ(back[0].missed_flagged_for, std::nullopt);
  EXPECT_EQ(back[0].done_on, std::nullopt);
  EXPECT_EQ(back[0].done_by, std::nullopt);

  auto done = planned;
  done.line_manager_id = "M1";
  done.due_on = day("2027-05-10");
  done.status = "done";
  done.round = 2;
  done.missed_flagged_for = day("2027-05-03");
  done.done_on = day("2027-05-12");
  done.done_by = "hr:jo";
  returns->save_step(done, "2027-05-12T09:00:00Z");
  back = returns->steps_of_leave("rtw", "L1");
  ASSERT_EQ(back.size(), 1u);  // replaced, not added
  EXPECT_EQ(back[0].line_manager_id, "M1");
  EXPECT_EQ(back[0].due_on, day("2027-05-10"));
  EXPECT_EQ(back[0].status, "done");
  EXPECT_EQ(back[0].round, 2);
  EXPECT_EQ(back[0].missed_flagged_for, day("2027-05-03"));
  EXPECT_EQ(back[0].done_on, day("2027-05-12"));
  EXPECT_EQ(back[0].done_by, "hr:jo");
}

TEST_P(ReturnRepositories, StepsAreReadByLeaveByPersonAndByProgrammeInTheirOrders) {
  returns->save_step(step("rtw", "L1", "review", "P1", "2027-06-01"), "2027-04-01T09:00:00Z");
  returns->save_step(step("rtw", "L1", "welcome", "P1", "2027-05-03"), "2027-04-01T09:00:00Z");
  returns->save_step(step("rtw", "L2", "welcome", "P2", "2027-05-03"), "2027-04-01T09:00:00Z");
  returns->save_step(step("adoption", "L3", "welcome", "P1", "2027-04-20"), "2027-04-01T09:00:00Z");

  EXPECT_EQ(ids(returns->steps_of_leave("rtw", "L1")),
            (std::vector<std::string>{"rtw/L1/review", "rtw/L1/welcome"}));  // by step id
  EXPECT_TRUE(returns->steps_of_leave("adoption", "L1").empty());
  EXPECT_EQ(ids(returns->steps_of_person("P1")),
            (std::vector<std::string>{"adoption/L3/welcome", "rtw/L1/welcome", "rtw/L1/review"}));
  EXPECT_EQ(ids(returns->steps("rtw")),
            (std::vector<std::string>{"rtw/L1/welcome", "rtw/L2/welcome", "rtw/L1/review"}));
  EXPECT_EQ(ids(returns->steps("")),  // every programme
            (std::vector<std::string>{"adoption/L3/welcome", "rtw/L1/welcome", "rtw/L2/welcome",
                                      "rtw/L1/review"}));
  EXPECT_EQ(returns->leaves_with_steps("rtw"), (std::vector<std::string>{"L1", "L2"}));
  EXPECT_EQ(returns->leaves_with_steps("adoption"), (std::vector<std::string>{"L3"}));
  EXPECT_TRUE(returns->leaves_with_steps("other").empty());
}

TEST_P(ReturnRepositories, ARollbackTakesTheStepsWithIt) {
  returns->save_step(step("rtw", "L1", "welcome", "P1", "2027-05-03"), "2027-04-01T09:00:00Z");
  backend->begin();
  auto done = step("rtw", "L1", "welcome", "P1", "2027-05-03");
  done.status = "done";
  returns->save_step(done, "2027-05-03T09:00:00Z");
  returns->save_step(step("rtw", "L2", "welcome", "P2", "2027-05-03"), "2027-04-01T09:00:00Z");
  EXPECT_EQ(returns->steps("rtw").size(), 2u);
  backend->rollback();
  auto left = returns->steps("rtw");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].status, "planned");
}

INSTANTIATE_FOR_EVERY_BACKEND(ReturnRepositories);
