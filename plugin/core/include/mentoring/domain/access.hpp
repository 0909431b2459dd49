// mentoring/domain/access.hpp — what a caller may reach with a command the
// permission matrix lets their role run (schemas/permissions.json gives the
// scope; these rules judge it against the object the command is about).
//
//   org  — anything in the caller's organisation;
//   self — only the caller themselves (another person: refused as unknown);
//   pair — only a pair or circle the caller is a member of (another: refused
//          as unknown).
//
// A refusal is "not found" (HTTP 404), never "forbidden": a participant learns
// nothing about whether another person or pair exists.
//
// Plain functions over values: no I/O.
#pragma once

#include <mentoring/domain/caller.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::domain {

enum class AccessScope { org, pair, self };

std::string_view to_string(AccessScope scope) noexcept;
std::optional<AccessScope> access_scope_from_string(std::string_view text) noexcept;

// What a command is about, as far as the scope rules care.
struct AccessObject {
  enum class Kind {
    person,        // a person: the one the command reads or answers for
    pair,          // a pair or a circle: its members (mentees and mentor)
    survey_token,  // an evaluation answer: the survey token is the authority, the answer anonymous
  };
  Kind kind = Kind::person;
  std::string person_id;             // person: who
  std::vector<std::string> members;  // pair: every member's person id (none: no such pair)

  static AccessObject person(std::string id) { return {Kind::person, std::move(id), {}}; }
  static AccessObject pair(std::vector<std::string> members) {
    return {Kind::pair, "", std::move(members)};
  }
  static AccessObject survey_token() { return {Kind::survey_token, "", {}}; }
};

enum class AccessReason {
  organisation_wide,    // allowed: scope org
  the_person_themself,  // allowed: self, and the object is the caller
  member_of_the_pair,   // allowed: pair, and the caller is one of its members
  survey_token_holder,  // allowed: whoever holds the survey token answers (anonymously)
  someone_else,         // refused: self, and the object is another person
  not_a_member,         // refused: pair, and the caller is not a member (or no such pair)
  no_person,            // refused: a self or pair scope for a caller who is no person
};

std::string_view to_string(AccessReason reason) noexcept;
std::string_view describe(AccessReason reason) noexcept;  // words for a message

struct AccessVerdict {
  bool allowed = false;
  AccessReason reason = AccessReason::no_person;
};

// Whether caller, with `scope` on this command, may reach `object`.
AccessVerdict judge_access(const Caller& caller, AccessScope scope, const AccessObject& object);

// Words for history rows: who did it, relative to the person it is about.
// The person themself: "by the person themself"; another participant:
// "by <person id> (<role>)"; HR, admin or a system: "recorded by <name>
// (<role>) on behalf of <person>" — never the person's own.
std::string recorded_by_words(const Caller& caller, std::string_view person_id);

// The caller as stored beside a row they recorded (eg a pair session's
// recorded_by_role, a return step's done_by): a participant's role, or
// "<role>: <name>" for HR, admin and systems.
std::string recorded_by_label(const Caller& caller);

}  // namespace mentoring::domain
