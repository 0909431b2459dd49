// The one builder of idempotency keys: every topic keeps the key it has
// always had (stored databases hold them; a different key would re-send the
// action after an upgrade), and an action off its schema is never enqueued.
#include <mentoring/domain/action_key.hpp>
#include <mentoring/sync/action.hpp>

#include <gtest/gtest.h>

#include <vector>

using namespace mentoring::domain;
using mentoring::sync::ActionContractError;
using mentoring::sync::checked_action;

TEST(ActionKey, EveryTopicBuildsTheKeyEarlierVersionsStored) {
  // The literal keys below are those the runners built by hand before the builder.
  struct Case {
    ActionKind kind;
    ActionTopic topic;
    // A vector, not an initializer_list: a list held in a struct outlives its elements.
    std::vector<std::string_view> parts;
    const char* stored;
  };
  const std::vector<Case> cases = {
      {ActionKind::invite, ActionTopic::invitation, {"rtw", "E1", "L7"}, "invite/nw/rtw/E1/L7"},
      {ActionKind::invite,
       ActionTopic::mentor_invitation,
       {"rtw", "E1"},
       "invite-mentor/nw/rtw/E1"},
      {ActionKind::withdraw_invitation,
       ActionTopic::withdrawal,
       {"rtw", "E1", ""},
       "withdraw/nw/rtw/E1/"},
      {ActionKind::reminder,
       ActionTopic::invitation_reminder,
       {"rtw", "E1", "4", "7"},
       "remind/nw/rtw/E1/4/7"},
      {ActionKind::calendar_event,
       ActionTopic::touchpoint,
       {"4", "Introduction", "0"},
       "touchpoint/nw/4/Introduction/0"},
      {ActionKind::calendar_event,
       ActionTopic::calendar,
       {"supervision-g1-s3.rtw.nw@mentoring.invalid", "2"},
       "calendar/supervision-g1-s3.rtw.nw@mentoring.invalid/2"},
      {ActionKind::notify, ActionTopic::pair_ended, {"12"}, "pair-ended/nw/12"},
      {ActionKind::notify,
       ActionTopic::leave_change,
       {"12", "E1", "fp"},
       "leave-change/nw/12/E1/fp"},
      {ActionKind::task, ActionTopic::decision, {"rtw", "E1", "fp"}, "decide/nw/rtw/E1/fp"},
      {ActionKind::notify, ActionTopic::completed, {"4"}, "completed/nw/4"},
      {ActionKind::task,
       ActionTopic::management_chain,
       {"12", "2026-12-15"},
       "chain/nw/12/2026-12-15"},
      {ActionKind::notify, ActionTopic::paired, {"12", "E1"}, "paired/nw/12/E1"},
      {ActionKind::enrol_in_course,
       ActionTopic::training,
       {"rtw", "E1", "mentor", "enrol-C1"},
       "training/nw/rtw/E1/mentor/enrol-C1"},
      {ActionKind::reminder,
       ActionTopic::training,
       {"rtw", "E1", "mentor", "remind-C1"},
       "training/nw/rtw/E1/mentor/remind-C1"},
      {ActionKind::task,
       ActionTopic::supervision_missed,
       {"rtw", "E1", "s3"},
       "supervision-missed/nw/rtw/E1/s3"},
      {ActionKind::group_membership,
       ActionTopic::group_membership,
       {"rtw", "1", "E1", "in"},
       "group/nw/rtw/1/E1/in"},
      {ActionKind::notify,
       ActionTopic::kickoff_note,
       {"rtw", "E2", "E1"},
       "kickoff-note/nw/rtw/E2/E1"},
      {ActionKind::task,
       ActionTopic::pair_first_contact,
       {"rtw", "12"},
       "pair-first-contact/nw/rtw/12"},
      {ActionKind::reminder,
       ActionTopic::pair_overdue,
       {"rtw", "12", "2027-01-05", "remind", "E1"},
       "pair-overdue/nw/rtw/12/2027-01-05/remind/E1"},
      {ActionKind::task,
       ActionTopic::pair_overdue,
       {"rtw", "12", "2027-01-05", "flag"},
       "pair-overdue/nw/rtw/12/2027-01-05/flag"},
      {ActionKind::notify,
       ActionTopic::evaluation_survey,
       {"rtw", "exit", "4"},
       "evaluation-survey/nw/rtw/exit/4"},
  };
  for (const auto& c : cases) {
    ActionKey key = action_key(c.kind, c.topic, "nw", c.parts);
    EXPECT_EQ(key.text, c.stored);
    EXPECT_EQ(key.kind, c.kind);
  }
}

TEST(ActionKey, AKindItsTopicNeverCarriesIsRefused) {
  EXPECT_THROW(action_key(ActionKind::task, ActionTopic::invitation, "nw", {"rtw", "E1", "L7"}),
               std::invalid_argument);
  EXPECT_THROW(action_key(ActionKind::invite, ActionTopic::invitation, "", {"rtw", "E1", "L7"}),
               std::invalid_argument);
}

TEST(ActionKey, KindsHaveTheirSchemaNames) {
  for (ActionKind kind : all_action_kinds()) EXPECT_EQ(parse_action_kind(to_string(kind)), kind);
  EXPECT_EQ(to_string(ActionKind::withdraw_invitation), "withdraw_invitation");
  EXPECT_FALSE(parse_action_kind("invitation"));
}

TEST(CheckedAction, AnActionOffItsSchemaNamesKindKeyPointerFoundAndExpected) {
  auto key = action_key(ActionKind::notify, ActionTopic::paired, "nw", {"12", "E1"});
  nlohmann::json payload = {{"to", {{"person_id", "E1"}}}, {"subject", "Paired"}, {"text", "Hi"}};
  auto action = checked_action(key, "nw", "E1", "rtw", "2026-12-15T12:00:00Z", payload);
  EXPECT_EQ(action["type"], "notify");
  EXPECT_EQ(action["idempotency_key"], "paired/nw/12/E1");
  payload["to"]["email"] = 42;
  try {
    checked_action(key, "nw", "E1", "rtw", "2026-12-15T12:00:00Z", payload);
    FAIL() << "an email of 42 is no address";
  } catch (const ActionContractError& e) {
    std::string what = e.what();
    EXPECT_EQ(e.kind(), "notify");
    EXPECT_EQ(e.key(), "paired/nw/12/E1");
    EXPECT_NE(what.find("notify"), std::string::npos) << what;
    EXPECT_NE(what.find("paired/nw/12/E1"), std::string::npos) << what;
    EXPECT_NE(what.find("/payload/to/email: found 42; expected"), std::string::npos) << what;
  }
}
