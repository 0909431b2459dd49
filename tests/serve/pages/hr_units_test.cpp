// The HR pages' parts on their own: CSV quoting and formula neutralising, the
// session table's bound and expiry, the failed-login bound, the SVG chart.
#include "charts.hpp"
#include "csv.hpp"
#include "hr_session.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace mentoring::serve::pages;
using namespace std::chrono_literals;

TEST(HrCsv, QuotesWhatRfc4180NeedsAndNeutralisesFormulas) {
  EXPECT_EQ(csv_field({"plain"}), "plain");
  EXPECT_EQ(csv_field({"a,b"}), "\"a,b\"");
  EXPECT_EQ(csv_field({"say \"hi\""}), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field({"two\nlines"}), "\"two\nlines\"");
  EXPECT_EQ(csv_field({"=1+2"}), "'=1+2");
  EXPECT_EQ(csv_field({"+33 1"}), "'+33 1");
  EXPECT_EQ(csv_field({"-2"}), "'-2");
  EXPECT_EQ(csv_field({"@SUM(A1)"}), "'@SUM(A1)");
  EXPECT_EQ(csv_field({"\tx"}), "'\tx");
  EXPECT_EQ(csv_field({"=A1,B1"}), "\"'=A1,B1\"");
  EXPECT_EQ(csv_field({"-0.25", true}), "-0.25") << "a number the page wrote is no formula";
  EXPECT_EQ(to_csv({{{"a"}, {"b"}}, {{"1", true}, {""}}}), "a,b\r\n1,\r\n");
}

struct TestClock {
  SessionTime now = SessionTime(std::chrono::hours(1000));
  SessionClock clock() {
    return [this] { return now; };
  }
};

TEST(HrSessions, RandomIdsExpireAndTheTableStaysBounded) {
  TestClock t;
  SessionTable sessions(t.clock(), SessionLimits{8h, 30min, 2});
  const auto a = sessions.open("northwind", "token-a");
  EXPECT_EQ(a.id.size(), 64u);
  EXPECT_EQ(a.csrf.size(), 64u);
  EXPECT_NE(a.id, a.csrf);
  t.now += 1min;
  const auto b = sessions.open("northwind", "token-b");
  t.now += 1min;
  ASSERT_TRUE(sessions.find("northwind", a.id));  // a is now the more recently seen
  EXPECT_FALSE(sessions.find("riverside", a.id)) << "another organisation's session";
  EXPECT_EQ(sessions.find("northwind", a.id)->bearer, "token-a");
  const auto c = sessions.open("northwind", "token-c");  // full: b, idle longest, makes room
  EXPECT_EQ(sessions.size(), 2u);
  EXPECT_FALSE(sessions.find("northwind", b.id));
  EXPECT_TRUE(sessions.find("northwind", a.id));
  t.now += 30min;
  EXPECT_FALSE(sessions.find("northwind", c.id)) << "30 minutes idle";
  EXPECT_EQ(sessions.size(), 1u) << "the expired one was dropped";
  sessions.close(a.id);
  EXPECT_EQ(sessions.size(), 0u);
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(random_hex(32));
  EXPECT_EQ(ids.size(), 100u);
}

TEST(HrThrottle, RefusesAnAddressAfterItsFailuresUntilTheWindowEnds) {
  TestClock t;
  LoginThrottle throttle(t.clock(), ThrottleLimits{3, 15min, 2});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(throttle.allowed("10.0.0.1"));
    throttle.failed("10.0.0.1");
  }
  EXPECT_FALSE(throttle.allowed("10.0.0.1"));
  EXPECT_TRUE(throttle.allowed("10.0.0.2")) << "another address";
  t.now += 15min;
  EXPECT_TRUE(throttle.allowed("10.0.0.1"));
  // Bounded: a third address pushes the oldest count out, never grows the table.
  throttle.failed("a");
  t.now += 1s;
  throttle.failed("b");
  throttle.failed("b");
  throttle.failed("b");
  throttle.failed("c");
  EXPECT_FALSE(throttle.allowed("b"));
}

TEST(HrCharts, TitleDescAndSuppressedBarsWithoutAZero) {
  BarChart chart{"c1",
                 "Rates <per> survey",
                 "What it shows",
                 "The rates",
                 1,
                 {{"A & B", 0.5, "50 %"}, {"Small", std::nullopt, ""}}};
  const std::string svg = render_bar_chart(chart);
  EXPECT_NE(svg.find("role=\"img\" aria-labelledby=\"c1-title c1-desc\""), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"c1-title\">Rates &lt;per&gt; survey</title>"), std::string::npos);
  EXPECT_NE(svg.find("<desc id=\"c1-desc\">What it shows</desc>"), std::string::npos);
  EXPECT_NE(svg.find(">A &amp; B</text>"), std::string::npos);
  EXPECT_NE(svg.find("width=\"240.0\""), std::string::npos);
  EXPECT_NE(svg.find(">suppressed</text>"), std::string::npos);
  EXPECT_EQ(svg.find("<rect", svg.find("Small")), std::string::npos) << "no bar for suppressed";
}

}  // namespace
