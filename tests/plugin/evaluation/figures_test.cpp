// The figures a report may show, and the group-size rule in front of them.
#include <mentoring/evaluation/figures.hpp>

#include <gtest/gtest.h>

using namespace mentoring::evaluation;
using mentoring::domain::parse_date;

TEST(Figures, AGroupIsShownFromTheThresholdOn) {
  EXPECT_FALSE(shown(4, 5));
  EXPECT_TRUE(shown(5, 5));
  EXPECT_FALSE(shown(0, 5));
  // A misconfigured threshold never lets a single answer through.
  EXPECT_FALSE(shown(1, 1));
  EXPECT_FALSE(shown(1, 0));
  EXPECT_EQ(not_shown_reason(5, "answers"), "fewer than 5 answers: not shown");
}

TEST(Figures, ScaleMeanAndDistribution) {
  Question q{"q", "?", QuestionKind::scale_1_5, {}, false};
  auto f = summarise(q, {"5", "4", "4", "3", "5", "2"});
  EXPECT_EQ(f.answers, 6u);
  EXPECT_DOUBLE_EQ(*f.mean, 3.83);
  EXPECT_EQ(f.counts.at("1"), 0u);
  EXPECT_EQ(f.counts.at("2"), 1u);
  EXPECT_EQ(f.counts.at("4"), 2u);
  EXPECT_EQ(f.counts.at("5"), 2u);
}

TEST(Figures, ShareYesMedianChoiceAndSortedTexts) {
  EXPECT_DOUBLE_EQ(
      *summarise({"q", "?", QuestionKind::yes_no, {}, false}, {"yes", "no", "yes"}).share_yes,
      0.67);
  EXPECT_DOUBLE_EQ(
      *summarise({"q", "?", QuestionKind::number, {}, true}, {"4", "8", "6", "10", "12", "2"})
           .median,
      7.0);
  EXPECT_DOUBLE_EQ(*median({3, 1, 2}), 2.0);
  EXPECT_FALSE(median({}));
  auto choice =
      summarise({"q", "?", QuestionKind::choice, {"a", "b", "c"}, false}, {"b", "a", "b"});
  EXPECT_EQ(choice.counts, (std::map<std::string, std::size_t>{{"a", 1}, {"b", 2}, {"c", 0}}));
  auto texts = summarise({"q", "?", QuestionKind::text, {}, false}, {"zeta", "alpha", "mid"});
  EXPECT_EQ(texts.texts, (std::vector<std::string>{"alpha", "mid", "zeta"}));
}

TEST(Figures, RetentionCountsThoseBackLongEnoughAndStillEmployed) {
  auto d = [](const char* s) { return parse_date(s).value(); };
  std::vector<Returner> group = {
      {d("2028-01-01"), std::nullopt},     // stayed
      {d("2028-01-01"), d("2028-05-01")},  // left within 6 months
      {d("2028-01-01"), d("2028-07-01")},  // left on the 6-month mark: not retained
      {d("2028-01-01"), d("2028-10-01")},  // retained at 6, not at 12
      {d("2029-03-01"), std::nullopt},     // back only 3 months: not counted
  };
  auto six = retention(group, 6, d("2029-06-01"));
  EXPECT_EQ(six.returners, 4u);
  EXPECT_EQ(six.retained, 2u);
  auto twelve = retention(group, 12, d("2029-06-01"));
  EXPECT_EQ(twelve.returners, 4u);
  EXPECT_EQ(twelve.retained, 1u);
}

TEST(Figures, LatestReturnsTakesEachPersonsLatestReturnBackLongEnough) {
  auto d = [](const char* s) { return parse_date(s).value(); };
  std::map<std::string, std::vector<Returner>> by_person = {
      {"A", {{d("2026-01-01"), std::nullopt}, {d("2028-01-01"), d("2028-05-01")}}},
      {"B", {{d("2027-02-01"), std::nullopt}, {d("2029-03-01"), std::nullopt}}},  // 2nd too recent
      {"C", {{d("2029-04-01"), std::nullopt}}},  // none long enough
  };
  auto six = latest_returns(by_person, 6, d("2029-06-01"));
  ASSERT_EQ(six.size(), 2u);
  EXPECT_EQ(six[0].returned_on, d("2028-01-01"));  // A: the later of two
  EXPECT_EQ(six[0].left_on, d("2028-05-01"));
  EXPECT_EQ(six[1].returned_on, d("2027-02-01"));  // B: the one back six months
  EXPECT_TRUE(latest_returns(by_person, 6, d("2025-01-01")).empty());
}

TEST(Figures, TakingPartMeansPairedOrLater) {
  using mentoring::domain::EnrolmentState;
  for (auto s : {EnrolmentState::paired, EnrolmentState::active, EnrolmentState::extended,
                 EnrolmentState::completed}) {
    EXPECT_TRUE(takes_part(s)) << to_string(s);
  }
  for (auto s :
       {EnrolmentState::eligible, EnrolmentState::invited, EnrolmentState::consented,
        EnrolmentState::declined, EnrolmentState::expired, EnrolmentState::awaiting_training,
        EnrolmentState::awaiting_pair, EnrolmentState::withdrawn}) {
    EXPECT_FALSE(takes_part(s)) << to_string(s);
  }
}

TEST(Figures, ReturnerGroupsSplitTheProgrammesMenteesFromTheBaseline) {
  using namespace mentoring::domain;
  auto d = [](const char* s) { return parse_date(s).value(); };
  Programme programme;
  programme.id = "rtw";
  programme.mentee.leave_types = {LeaveType::maternity, LeaveType::adoption};
  std::vector<Enrolment> enrolments = {
      Enrolment::make("ANA", "rtw", Role::mentee, EnrolmentState::completed, "L-ANA"),
      Enrolment::make("BO", "rtw", Role::mentee, EnrolmentState::withdrawn, "L-BO"),
      Enrolment::make("MO", "rtw", Role::mentor, EnrolmentState::active),
  };
  auto back = [&](const char* leave, const char* person, LeaveType type, const char* on) {
    return ReturnFromLeave{leave, person, type, {d(on), std::nullopt}};
  };
  std::vector<ReturnFromLeave> returns = {
      back("L-ANA", "ANA", LeaveType::maternity, "2028-01-01"),   // the programme's
      back("L-ANA2", "ANA", LeaveType::maternity, "2025-01-01"),  // her other leave: neither
      back("L-BO", "BO", LeaveType::maternity, "2028-01-01"),     // withdrew: baseline
      back("L-MO", "MO", LeaveType::adoption, "2027-06-01"),      // a mentor: baseline
      back("L-CY", "CY", LeaveType::secondment, "2027-06-01"),    // type not covered: neither
      back("L-DI", "DI", LeaveType::maternity, "2029-07-01"),     // not back yet: neither
  };
  auto groups = returner_groups(programme, enrolments, returns, d("2029-06-01"));
  ASSERT_EQ(groups.programme.size(), 1u);
  ASSERT_EQ(groups.programme["ANA"].size(), 1u);
  EXPECT_EQ(groups.programme["ANA"][0].returned_on, d("2028-01-01"));
  EXPECT_EQ(groups.baseline.size(), 2u);
  EXPECT_EQ(groups.baseline.count("BO"), 1u);
  EXPECT_EQ(groups.baseline.count("MO"), 1u);
}
