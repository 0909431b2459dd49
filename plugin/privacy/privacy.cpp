#include <mentoring/privacy/privacy.hpp>

#include <mentoring/evaluation/tokens.hpp>

#include <set>

namespace mentoring::privacy {

using json = nlohmann::json;

bool audited(domain::CallerRole role, bool personal_data) noexcept {
  return personal_data && (role == domain::CallerRole::hr || role == domain::CallerRole::admin);
}

namespace {

bool is_person_field(const std::string& key) {
  return key == "person_id" || key == "mentee_id" || key == "mentor_id";
}

void collect(const json& value, std::set<std::string>& seen, Subjects& out, std::size_t limit) {
  auto add = [&](const std::string& id) {
    if (id.empty() || !seen.insert(id).second) return;
    ++out.total;
    if (out.ids.size() < limit) out.ids.push_back(id);
  };
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (is_person_field(key) && item.is_string()) {
        add(item.get<std::string>());
      } else if (is_person_field(key) && item.is_array()) {
        for (const auto& id : item)
          if (id.is_string()) add(id.get<std::string>());
      } else {
        collect(item, seen, out, limit);
      }
    }
  } else if (value.is_array()) {
    for (const auto& item : value) collect(item, seen, out, limit);
  }
}

}  // namespace

Subjects subjects_of(const json& input, const json& answer, std::size_t limit) {
  Subjects out;
  std::set<std::string> seen;
  collect(input, seen, out, limit);
  collect(answer, seen, out, limit);
  return out;
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
