#include <mentoring/domain/programme_shape.hpp>
#include <mentoring/pairing/cohort.hpp>
#include <mentoring/pairing/model.hpp>

#include <algorithm>

namespace mentoring::pairing {

std::optional<int> mentor_capacity_in_pass(const domain::Programme& programme, int accepted_pairs) {
  if (accepted_pairs > kMaxMentorCapacity) return std::nullopt;
  return std::clamp(std::max(domain::effective_mentor_capacity(programme), accepted_pairs), 1,
                    kMaxMentorCapacity);
}

std::string lived_leave_kind(const domain::Programme& programme,
                             const std::vector<domain::Leave>& leaves, domain::Date today) {
  std::string kind;
  for (const auto& leave : leaves) {
    if (leave.status != domain::LeaveStatus::approved || leave.start > today) continue;
    if (!programme.mentor.leave_types.empty() && !programme.mentor.leave_types.count(leave.type))
      continue;
    kind = std::string(domain::to_string(leave.type));
  }
  return kind;
}

}  // namespace mentoring::pairing
