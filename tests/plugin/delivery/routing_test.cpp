// Where each write-back action goes (domain::route_actions): by configuration,
// never by the order adapters are listed.
#include <mentoring/domain/delivery.hpp>

#include <gtest/gtest.h>

using namespace mentoring::domain;

namespace {

const AdapterDescription kFileHr{
    "hr-export", {"read_people", "read_leave", "read_course_completions", "write_actions"}};
const AdapterDescription kMoodle{"lms",
                                 {"read_course_completions", "write_actions", "enrol_in_course",
                                  "create_calendar_event", "manage_groups"}};
const AdapterDescription kBamboo{"hr",
                                 {"read_people", "read_leave", "write_actions", "create_task"}};
const AdapterDescription kReader{"reader", {"read_people"}};

const RoutingProblem* problem_for(const RoutingTable& t, const std::string& kind) {
  for (const auto& p : t.problems) {
    if (p.action_kind == kind) return &p;
  }
  return nullptr;
}

}  // namespace

TEST(CapabilityKinds, EveryActionKindIsCarriedByExactlyOneCapability) {
  for (auto kind : kActionKinds) {
    int carriers = 0;
    for (const auto& [capability, kinds] : kinds_by_capability()) {
      for (auto k : kinds) carriers += k == kind;
    }
    EXPECT_EQ(carriers, 1) << kind;
  }
  EXPECT_EQ(declared_kinds(kBamboo),
            (std::set<std::string>{"invite", "notify", "reminder", "task", "withdraw_invitation"}));
  EXPECT_TRUE(declared_kinds(kFileHr).empty());  // a general writer
  EXPECT_FALSE(is_writer(kReader));
}

TEST(Routing, TheReadmeLayoutSendsEnrolmentsToMoodleAndTheRestWhereStarSays) {
  // File adapter for HR listed first, Moodle second: the order decides nothing.
  auto t = route_actions({kFileHr, kMoodle}, {{"*", "hr-export"}});
  EXPECT_TRUE(t.problems.empty());
  ASSERT_NE(t.route_for("enrol_in_course"), nullptr);
  EXPECT_EQ(t.route_for("enrol_in_course")->adapter, "lms");
  EXPECT_EQ(t.route_for("enrol_in_course")->why, RouteReason::declared);
  EXPECT_EQ(t.route_for("calendar_event")->adapter, "lms");
  EXPECT_EQ(t.route_for("group_membership")->adapter, "lms");
  EXPECT_EQ(t.route_for("invite")->adapter, "hr-export");
  EXPECT_EQ(t.route_for("invite")->why, RouteReason::default_route);
  EXPECT_STREQ(to_string(RouteReason::default_route), "default");
}

TEST(Routing, AConfiguredRouteWinsOverTheAdapterThatDeclaresTheKind) {
  auto t =
      route_actions({kFileHr, kMoodle}, {{"enrol_in_course", "hr-export"}, {"*", "hr-export"}});
  EXPECT_TRUE(t.problems.empty());
  EXPECT_EQ(t.route_for("enrol_in_course")->adapter, "hr-export");
  EXPECT_EQ(t.route_for("enrol_in_course")->why, RouteReason::configured);
}

TEST(Routing, TheOnlyWriterCarriesEverythingWhenItIsAGeneralOne) {
  auto t = route_actions({kReader, kFileHr}, {});
  EXPECT_TRUE(t.problems.empty());
  for (auto kind : kActionKinds) {
    const Route* r = t.route_for(std::string(kind));
    ASSERT_NE(r, nullptr) << kind;
    EXPECT_EQ(r->adapter, "hr-export");
    EXPECT_EQ(r->why, RouteReason::only_writer);
  }
}

TEST(Routing, AKindNoAdapterCarriesIsUnroutedNotAConfigError) {
  // Two writers, nobody declares invite, no "*": invitations wait.
  auto t = route_actions({kFileHr, kMoodle}, {});
  EXPECT_EQ(t.route_for("invite"), nullptr);
  const RoutingProblem* p = problem_for(t, "invite");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->kind, RoutingProblemKind::unrouted);
  EXPECT_FALSE(p->is_config_error());
  EXPECT_EQ(t.route_for("enrol_in_course")->adapter, "lms");
  // The only writer declares some kinds only: it never takes the others.
  auto moodle_only = route_actions({kReader, kMoodle}, {});
  EXPECT_EQ(moodle_only.route_for("invite"), nullptr);
  EXPECT_EQ(problem_for(moodle_only, "invite")->kind, RoutingProblemKind::unrouted);
  // No writer at all.
  auto none = route_actions({kReader}, {});
  EXPECT_TRUE(none.routes.empty());
  EXPECT_EQ(none.problems.size(), kActionKinds.size());
}

TEST(Routing, SeveralDeclaringAKindWithoutRoutingIsAConfigErrorNamingThem) {
  AdapterDescription second_lms{"lms2", {"write_actions", "enrol_in_course"}};
  auto t = route_actions({kMoodle, second_lms}, {{"*", "lms"}});
  const RoutingProblem* p = problem_for(t, "enrol_in_course");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->kind, RoutingProblemKind::several_declare);
  EXPECT_TRUE(p->is_config_error());
  EXPECT_EQ(p->adapters, (std::vector<std::string>{"lms", "lms2"}));
  std::string words = describe(*p, "northwind");
  EXPECT_NE(words.find("organisation northwind"), std::string::npos) << words;
  EXPECT_NE(words.find("enrol_in_course"), std::string::npos) << words;
  EXPECT_NE(words.find("lms, lms2"), std::string::npos) << words;
  // Routing settles it.
  auto settled = route_actions({kMoodle, second_lms}, {{"enrol_in_course", "lms2"}});
  EXPECT_EQ(settled.route_for("enrol_in_course")->adapter, "lms2");
  EXPECT_EQ(problem_for(settled, "enrol_in_course"), nullptr);
}

TEST(Routing, RoutingToAnUnknownAdapterIsAConfigError) {
  auto t = route_actions({kFileHr, kMoodle}, {{"invite", "outbox"}});
  const RoutingProblem* p = problem_for(t, "invite");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->kind, RoutingProblemKind::unknown_adapter);
  EXPECT_TRUE(p->is_config_error());
  EXPECT_NE(describe(*p, "acme").find("\"outbox\""), std::string::npos);
  // "*" too, even when every kind is routed otherwise.
  auto star = route_actions({kFileHr}, {{"*", "nowhere"}});
  ASSERT_NE(problem_for(star, "*"), nullptr);
  EXPECT_EQ(problem_for(star, "*")->kind, RoutingProblemKind::unknown_adapter);
}

TEST(Routing, RoutingToAnAdapterThatWritesNothingIsAConfigError) {
  auto t = route_actions({kFileHr, kReader}, {{"notify", "reader"}});
  const RoutingProblem* p = problem_for(t, "notify");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->kind, RoutingProblemKind::not_a_writer);
  EXPECT_NE(describe(*p, "acme").find("write_actions"), std::string::npos);
}

TEST(Routing, RoutingAKindToAWriterWhoseKindsExcludeItIsAConfigError) {
  auto t = route_actions({kFileHr, kMoodle}, {{"invite", "lms"}});
  const RoutingProblem* p = problem_for(t, "invite");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->kind, RoutingProblemKind::does_not_carry);
  EXPECT_TRUE(p->is_config_error());
  EXPECT_EQ(p->adapters, std::vector<std::string>{"lms"});
  // "*" naming Moodle: every kind that falls to it and Moodle cannot carry.
  auto star = route_actions({kFileHr, kMoodle}, {{"*", "lms"}});
  ASSERT_NE(problem_for(star, "task"), nullptr);
  EXPECT_EQ(problem_for(star, "task")->kind, RoutingProblemKind::does_not_carry);
  EXPECT_EQ(star.route_for("enrol_in_course")->adapter, "lms");  // declared
}

TEST(Routing, AKeyThatIsNoActionKindIsAConfigError) {
  auto t = route_actions({kFileHr}, {{"enrol", "hr-export"}});
  ASSERT_NE(problem_for(t, "enrol"), nullptr);
  EXPECT_EQ(problem_for(t, "enrol")->kind, RoutingProblemKind::unknown_kind);
}

TEST(Routing, StarRoutesOnlyWhatNobodyDeclares) {
  // BambooHR declares invitations; the file outbox is "*": it gets the rest only.
  auto t = route_actions({kBamboo, kMoodle, kFileHr}, {{"*", "hr-export"}});
  EXPECT_TRUE(t.problems.empty());
  EXPECT_EQ(t.route_for("invite")->adapter, "hr");
  EXPECT_EQ(t.route_for("enrol_in_course")->adapter, "lms");
  for (const auto& [kind, route] : t.routes) EXPECT_NE(route.adapter, "hr-export") << kind;
}
