// mentoring/domain/caller.hpp — who runs a command, as the host authenticated it.
//
// The host decides the caller (a token's role, or the command line as the
// organisation's admin) and passes it with the command (abi.h call_as); the
// request body never names it. Rules take it to decide what the caller may do
// and see: a mentor or mentee acts on their own pair only, notes and goals are
// the pair's, and what HR or admin read of a person is audited.
//
// Plain data: copy freely.
#pragma once

#include <string>
#include <string_view>

namespace mentoring::domain {

enum class CallerRole { admin, hr, mentor, mentee, system };

std::string_view to_string(CallerRole role) noexcept;

struct Caller {
  CallerRole role = CallerRole::admin;
  std::string person_id;  // mentor and mentee: who they are; "" for the others
  std::string name;  // for history and the audit log, eg "hr token alice", "command line (root)"

  bool is_participant() const noexcept {
    return role == CallerRole::mentor || role == CallerRole::mentee;
  }
  // Whether this caller is the person themselves (a participant acting for themselves).
  bool is_person(std::string_view id) const noexcept { return is_participant() && person_id == id; }
};

}  // namespace mentoring::domain
