// mentoring/privacy/privacy.hpp — the rules of privacy by design (issue 14):
// which reads are audited and whom they are about, when a finished participant
// is pseudonymised, and what a pseudonym is. Plain functions (no JSON, SQL or
// clock); the shell
// (privacy_runner.cpp) loads, calls and stores.
//
//   if (privacy::audited(caller.role, personal_data)) ...  // one audit row
//   if (privacy::past_retention(last_change, months, today)) ...  // pseudonymise
#pragma once

#include <mentoring/domain/caller.hpp>
#include <mentoring/domain/date.hpp>

#include <cstddef>
#include <string>

namespace mentoring::privacy {

// Reads of personal data by HR and admins are audited; a participant reading
// their own pair's data, and the host's system callers, are not.
bool audited(domain::CallerRole role, bool personal_data) noexcept;

// An audit row names at most this many of the people a read showed (it counts all).
inline constexpr std::size_t kAuditedSubjectsLimit = 500;

// audit_log reads at most this many rows at once (its limit's default and bound).
inline constexpr int kAuditLogDefaultLimit = 100;
inline constexpr int kAuditLogMaxLimit = 1000;

// Retention: a person none of whose enrolments is open, the last one changed
// on `last_change`, is pseudonymised once `months` whole months have passed.
bool past_retention(domain::Date last_change, int months, domain::Date today);

// A new pseudonym, "anon-" and 16 hex digits from the system's random source:
// it says nothing about the person and is the same for all their rows.
std::string new_pseudonym();

// The same person's id hashed (hex SHA-256): kept beside the pseudonym so a
// second erasure request, or the retention pass, knows the person was done.
std::string id_hash(const std::string& person_id);

}  // namespace mentoring::privacy
