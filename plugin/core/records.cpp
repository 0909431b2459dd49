#include <mentoring/domain/records.hpp>

#include <array>
#include <utility>

namespace mentoring::domain {

namespace {

template <class Enum, std::size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Names<LeaveType, 10> kLeaveTypes{{
    {LeaveType::maternity, "maternity"},
    {LeaveType::paternity, "paternity"},
    {LeaveType::adoption, "adoption"},
    {LeaveType::shared_parental, "shared_parental"},
    {LeaveType::carers, "carers"},
    {LeaveType::fostering, "fostering"},
    {LeaveType::secondment, "secondment"},
    {LeaveType::overseas_assignment, "overseas_assignment"},
    {LeaveType::long_term_sickness, "long_term_sickness"},
    {LeaveType::other, "other"},
}};

constexpr Names<LeaveStatus, 4> kLeaveStatuses{{
    {LeaveStatus::requested, "requested"},
    {LeaveStatus::approved, "approved"},
    {LeaveStatus::cancelled, "cancelled"},
    {LeaveStatus::denied, "denied"},
}};

constexpr Names<EnrolmentState, 12> kStates{{
    {EnrolmentState::eligible, "eligible"},
    {EnrolmentState::invited, "invited"},
    {EnrolmentState::consented, "consented"},
    {EnrolmentState::declined, "declined"},
    {EnrolmentState::expired, "expired"},
    {EnrolmentState::awaiting_training, "awaiting_training"},
    {EnrolmentState::awaiting_pair, "awaiting_pair"},
    {EnrolmentState::paired, "paired"},
    {EnrolmentState::active, "active"},
    {EnrolmentState::completed, "completed"},
    {EnrolmentState::withdrawn, "withdrawn"},
    {EnrolmentState::extended, "extended"},
}};

template <class Enum, std::size_t N>
std::string_view name_of(const Names<Enum, N>& names, Enum value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "?";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const Names<Enum, N>& names, std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(LeaveType type) {
  return name_of(kLeaveTypes, type);
}
std::string_view to_string(LeaveStatus status) {
  return name_of(kLeaveStatuses, status);
}
std::string_view to_string(EnrolmentState state) {
  return name_of(kStates, state);
}
std::string_view to_string(PairState state) {
  switch (state) {
    case PairState::proposed:
      return "proposed";
    case PairState::accepted:
      return "accepted";
    case PairState::ended:
      return "ended";
  }
  return "?";
}

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::before_leave:
      return "before_leave";
    case Phase::on_leave:
      return "on_leave";
    case Phase::returned:
      return "returned";
  }
  return "?";
}

std::string_view to_string(Role role) {
  return role == Role::mentee ? "mentee" : "mentor";
}

std::optional<LeaveType> parse_leave_type(std::string_view text) {
  return value_of(kLeaveTypes, text);
}
std::optional<LeaveStatus> parse_leave_status(std::string_view text) {
  return value_of(kLeaveStatuses, text);
}
std::optional<EnrolmentState> parse_enrolment_state(std::string_view text) {
  return value_of(kStates, text);
}

bool is_open(EnrolmentState state) {
  switch (state) {
    case EnrolmentState::declined:
    case EnrolmentState::expired:
    case EnrolmentState::completed:
    case EnrolmentState::withdrawn:
      return false;
    default:
      return true;
  }
}

}  // namespace mentoring::domain
