#include <mentoring/return_to_work/kit_days.hpp>

#include <mentoring/enrolment/lifecycle.hpp>

#include <algorithm>

namespace mentoring::return_to_work {

using namespace mentoring::domain;

std::string_view to_string(KitRefusal refusal) {
  switch (refusal) {
    case KitRefusal::leave_not_found:
      return "leave_not_found";
    case KitRefusal::leave_of_someone_else:
      return "leave_of_someone_else";
    case KitRefusal::leave_not_taken:
      return "leave_not_taken";
    case KitRefusal::no_leave_on_day:
      return "no_leave_on_day";
    case KitRefusal::day_outside_leave:
      return "day_outside_leave";
    case KitRefusal::no_kit_days_for_type:
      return "no_kit_days_for_type";
    case KitRefusal::already_recorded:
      return "already_recorded";
  }
  return "?";
}

std::string_view describe(KitRefusal refusal) {
  switch (refusal) {
    case KitRefusal::leave_not_found:
      return "no leave has this id";
    case KitRefusal::leave_of_someone_else:
      return "the leave belongs to another person";
    case KitRefusal::leave_not_taken:
      return "the leave is cancelled or denied";
    case KitRefusal::no_leave_on_day:
      return "no requested or approved leave of the person covers this day";
    case KitRefusal::day_outside_leave:
      return "the day is outside the leave (from its start to the day before the return)";
    case KitRefusal::no_kit_days_for_type:
      return "the programme allows no keeping-in-touch days for this type of leave";
    case KitRefusal::already_recorded:
      return "this day is already recorded as a keeping-in-touch day of the leave";
  }
  return "?";
}

std::string_view field_of(KitRefusal refusal) {
  switch (refusal) {
    case KitRefusal::leave_not_found:
    case KitRefusal::leave_of_someone_else:
    case KitRefusal::leave_not_taken:
    case KitRefusal::no_kit_days_for_type:
      return "/leave_id";
    case KitRefusal::no_leave_on_day:
    case KitRefusal::day_outside_leave:
    case KitRefusal::already_recorded:
      return "/date";
  }
  return "";
}

std::string_view to_string(KitWarning warning) {
  switch (warning) {
    case KitWarning::few_remaining:
      return "few_remaining";
    case KitWarning::limit_reached:
      return "limit_reached";
    case KitWarning::over_limit:
      return "over_limit";
  }
  return "?";
}

std::string_view describe(KitWarning warning) {
  switch (warning) {
    case KitWarning::few_remaining:
      return "few keeping-in-touch days remain for this leave";
    case KitWarning::limit_reached:
      return "every keeping-in-touch day allowed for this leave is used";
    case KitWarning::over_limit:
      return "more keeping-in-touch days are recorded than the leave allows (the statutory limit "
             "is the employer's to keep)";
  }
  return "?";
}

bool covers(const Leave& leave, Date day) {
  return leave.start <= day && day < enrolment::return_date(leave);
}

bool is_taken(const Leave& leave) {
  return leave.status == LeaveStatus::requested || leave.status == LeaveStatus::approved;
}

LeaveChoice choose_leave(const std::vector<Leave>& leaves, const std::string& person_id,
                         const std::optional<std::string>& leave_id, Date day) {
  if (leave_id) {
    auto it = std::find_if(leaves.begin(), leaves.end(),
                           [&](const Leave& l) { return l.id == *leave_id; });
    if (it == leaves.end()) return {nullptr, KitRefusal::leave_not_found};
    if (it->person_id != person_id) return {nullptr, KitRefusal::leave_of_someone_else};
    if (!is_taken(*it)) return {nullptr, KitRefusal::leave_not_taken};
    if (!covers(*it, day)) return {nullptr, KitRefusal::day_outside_leave};
    return {&*it, std::nullopt};
  }
  for (const auto& leave : leaves) {
    if (leave.person_id == person_id && is_taken(leave) && covers(leave, day)) {
      return {&leave, std::nullopt};
    }
  }
  return {nullptr, KitRefusal::no_leave_on_day};
}

std::optional<int> limit_for(const KeepingInTouchRules& rules, LeaveType type) {
  auto it = rules.limits.find(type);
  if (it == rules.limits.end() || it->second <= 0) return std::nullopt;
  return it->second;
}

KitCount count_kit_days(const KeepingInTouchRules& rules, const Leave& leave, int days_recorded) {
  KitCount count;
  count.used = days_recorded;
  count.limit = limit_for(rules, leave.type);
  if (!count.limit) return count;
  count.remaining = std::max(0, *count.limit - days_recorded);
  count.over = std::max(0, days_recorded - *count.limit);
  if (count.over > 0) {
    count.warnings.push_back(KitWarning::over_limit);
  } else if (count.remaining == 0) {
    count.warnings.push_back(KitWarning::limit_reached);
  } else if (count.remaining <= rules.warn_when_remaining) {
    count.warnings.push_back(KitWarning::few_remaining);
  }
  return count;
}

KitOutcome record_kit_day(const KeepingInTouchRules& rules, const Leave& leave,
                          const std::vector<Date>& recorded, Date day) {
  KitOutcome outcome;
  if (!limit_for(rules, leave.type)) {
    outcome.refusal = KitRefusal::no_kit_days_for_type;
    return outcome;
  }
  if (!is_taken(leave)) {
    outcome.refusal = KitRefusal::leave_not_taken;
    return outcome;
  }
  if (!covers(leave, day)) {
    outcome.refusal = KitRefusal::day_outside_leave;
    return outcome;
  }
  if (std::find(recorded.begin(), recorded.end(), day) != recorded.end()) {
    outcome.refusal = KitRefusal::already_recorded;
    outcome.after = count_kit_days(rules, leave, static_cast<int>(recorded.size()));
    return outcome;
  }
  outcome.after = count_kit_days(rules, leave, static_cast<int>(recorded.size()) + 1);
  outcome.over_limit = outcome.after.over > 0;
  outcome.warnings = outcome.after.warnings;
  outcome.prompt_mentor = true;
  return outcome;
}

const Programme* rules_programme(const std::vector<Programme>& programmes,
                                 const std::vector<Enrolment>& enrolments_of_person,
                                 const Leave& leave) {
  for (const auto& e : enrolments_of_person) {
    if (e.role != Role::mentee || e.leave_id != leave.id) continue;
    for (const auto& p : programmes) {
      if (p.id == e.programme_id) return &p;
    }
  }
  for (const auto& p : programmes) {
    if (p.mentee.leave_types.count(leave.type)) return &p;
  }
  return programmes.empty() ? nullptr : &programmes.front();
}

std::string_view to_string(KitAudience audience) {
  switch (audience) {
    case KitAudience::mentor:
      return "mentor";
    case KitAudience::person:
      return "person";
    case KitAudience::hr:
      return "hr";
  }
  return "?";
}

ActionKey kit_day_key(std::string_view organisation, const std::string& leave_id, Date day,
                      KitAudience audience) {
  const std::string date = format_date(day);
  return action_key(audience == KitAudience::hr ? ActionKind::task : ActionKind::notify,
                    ActionTopic::kit_day, organisation, {leave_id, date, to_string(audience)});
}

}  // namespace mentoring::return_to_work
