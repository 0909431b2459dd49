// Who takes part in a pairing pass and with what (mentoring/pairing/cohort.hpp): domain only.
#include <mentoring/pairing/cohort.hpp>
#include <mentoring/pairing/model.hpp>

#include <gtest/gtest.h>

namespace mentoring::pairing {
namespace {

using domain::Date;
using domain::Leave;
using domain::LeaveStatus;
using domain::LeaveType;
using domain::PairingShape;
using domain::Programme;

Date day(const char* text) {
  return domain::parse_date(text).value();
}

Leave leave(const char* id, LeaveType type, const char* start, LeaveStatus status) {
  Leave l;
  l.id = id, l.person_id = "M1", l.type = type, l.status = status;
  l.start = day(start), l.expected_end = l.start + std::chrono::days{100};
  return l;
}

TEST(MentorCapacityInPass, TheProgrammesCapacityNeverBelowTheAcceptedPairs) {
  Programme pairs;
  pairs.mentor.capacity = 2;
  EXPECT_EQ(mentor_capacity_in_pass(pairs, 0), 2);
  EXPECT_EQ(mentor_capacity_in_pass(pairs, 3), 3);  // lowered since: no accepted pair undone
  pairs.mentor.capacity = 0;
  EXPECT_EQ(mentor_capacity_in_pass(pairs, 0), 1);  // at least one
  EXPECT_EQ(mentor_capacity_in_pass(pairs, kMaxMentorCapacity), kMaxMentorCapacity);
  EXPECT_EQ(mentor_capacity_in_pass(pairs, kMaxMentorCapacity + 1), std::nullopt);  // left out

  Programme circles;
  circles.shape = PairingShape::circles;
  circles.mentor.capacity = 1;
  circles.circle_max_mentees = 6;
  EXPECT_EQ(mentor_capacity_in_pass(circles, 2), 6);  // the circle's size
}

TEST(LivedLeaveKind, TheLatestApprovedStartedLeaveOfACountedType) {
  Programme programme;
  programme.mentor.leave_types = {LeaveType::maternity, LeaveType::adoption};
  const Date today = day("2027-01-04");
  std::vector<Leave> leaves = {
      leave("A", LeaveType::maternity, "2020-03-01", LeaveStatus::approved),
      leave("B", LeaveType::adoption, "2023-05-01", LeaveStatus::approved),
      leave("C", LeaveType::paternity, "2024-01-01", LeaveStatus::approved),  // not counted
      leave("D", LeaveType::maternity, "2025-01-01", LeaveStatus::cancelled),
      leave("E", LeaveType::maternity, "2027-02-01", LeaveStatus::approved),  // not started
  };
  EXPECT_EQ(lived_leave_kind(programme, leaves, today), "adoption");
  EXPECT_EQ(lived_leave_kind(programme, {}, today), "");
  programme.mentor.leave_types.clear();  // the programme counts any type
  EXPECT_EQ(lived_leave_kind(programme, leaves, today), "paternity");
}

}  // namespace
}  // namespace mentoring::pairing
