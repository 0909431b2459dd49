#include <mentoring/privacy/privacy.hpp>

#include <mentoring/evaluation/tokens.hpp>

namespace mentoring::privacy {

bool audited(domain::CallerRole role, bool personal_data) noexcept {
  return personal_data && (role == domain::CallerRole::hr || role == domain::CallerRole::admin);
}

bool past_retention(domain::Date last_change, int months, domain::Date today) {
  return months > 0 && domain::add_months(last_change, months) <= today;
}

std::string new_pseudonym() {
  return "anon-" + evaluation::sha256_hex(evaluation::new_survey_token()).substr(0, 16);
}

std::string id_hash(const std::string& person_id) {
  return evaluation::sha256_hex(person_id);
}

}  // namespace mentoring::privacy
