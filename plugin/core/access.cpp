#include <mentoring/domain/access.hpp>

#include <algorithm>

namespace mentoring::domain {

std::string_view to_string(AccessScope scope) noexcept {
  switch (scope) {
    case AccessScope::org:
      return "org";
    case AccessScope::pair:
      return "pair";
    case AccessScope::self:
      return "self";
  }
  return "self";
}

std::optional<AccessScope> access_scope_from_string(std::string_view text) noexcept {
  for (AccessScope s : {AccessScope::org, AccessScope::pair, AccessScope::self}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(AccessReason reason) noexcept {
  switch (reason) {
    case AccessReason::organisation_wide:
      return "organisation_wide";
    case AccessReason::the_person_themself:
      return "the_person_themself";
    case AccessReason::member_of_the_pair:
      return "member_of_the_pair";
    case AccessReason::survey_token_holder:
      return "survey_token_holder";
    case AccessReason::someone_else:
      return "someone_else";
    case AccessReason::not_a_member:
      return "not_a_member";
    case AccessReason::no_person:
      return "no_person";
  }
  return "no_person";
}

std::string_view describe(AccessReason reason) noexcept {
  switch (reason) {
    case AccessReason::organisation_wide:
      return "the role reaches the whole organisation";
    case AccessReason::the_person_themself:
      return "the caller acts for themself";
    case AccessReason::member_of_the_pair:
      return "the caller is a member of the pair";
    case AccessReason::survey_token_holder:
      return "the survey token is the authority";
    case AccessReason::someone_else:
      return "the caller may act only for themself";
    case AccessReason::not_a_member:
      return "the caller may reach only a pair they are a member of";
    case AccessReason::no_person:
      return "the caller is no person of the organisation";
  }
  return "";
}

AccessVerdict judge_access(const Caller& caller, AccessScope scope, const AccessObject& object) {
  if (scope == AccessScope::org) return {true, AccessReason::organisation_wide};
  if (object.kind == AccessObject::Kind::survey_token)
    return {true, AccessReason::survey_token_holder};
  if (!caller.is_participant() || caller.person_id.empty()) return {false, AccessReason::no_person};
  if (scope == AccessScope::self) {
    if (object.kind == AccessObject::Kind::person && object.person_id == caller.person_id)
      return {true, AccessReason::the_person_themself};
    return {false, AccessReason::someone_else};
  }
  // pair: a member of it (a person object is "their pair" only when it is them)
  const bool member = object.kind == AccessObject::Kind::pair
                          ? std::find(object.members.begin(), object.members.end(),
                                      caller.person_id) != object.members.end()
                          : object.person_id == caller.person_id;
  return member ? AccessVerdict{true, AccessReason::member_of_the_pair}
                : AccessVerdict{false, AccessReason::not_a_member};
}

std::string recorded_by_words(const Caller& caller, std::string_view person_id) {
  if (caller.is_person(person_id)) return "by the person themself";
  if (caller.is_participant())
    return "by " + caller.person_id + " (" + std::string(to_string(caller.role)) + ")";
  return "recorded by " + (caller.name.empty() ? std::string("?") : caller.name) + " (" +
         std::string(to_string(caller.role)) + ") on behalf of " + std::string(person_id);
}

std::string recorded_by_label(const Caller& caller) {
  if (caller.is_participant()) return std::string(to_string(caller.role));
  return std::string(to_string(caller.role)) + ": " + caller.name;
}

}  // namespace mentoring::domain
