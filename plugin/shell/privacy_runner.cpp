// Privacy's part of the plugin shell (issue 14). The rules (who is audited,
// whom a read is about, when retention applies) are plugin/privacy's; the SQL
// is plugin/store/privacy_store.cpp; this file loads, calls and answers.
#include "privacy_runner.hpp"

#include "permissions.hpp"

#include <mentoring/domain/action_key.hpp>
#include <mentoring/privacy/privacy.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/privacy_store.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <map>
#include <set>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;

namespace {

constexpr std::size_t kAuditedInputBytes = 4096;

bool is_person_field(const std::string& key) {
  return key == "person_id" || key == "mentee_id" || key == "mentor_id";
}

// The people one read showed: every distinct string of a person field
// (person_id, mentee_id, mentor_id, also as a list) in the input and the
// answer, in order of first appearance; at most `limit` named, all counted.
struct Subjects {
  std::vector<std::string> ids;
  std::size_t total = 0;
};
void collect(const json& value, std::set<std::string>& seen, Subjects& out) {
  auto add = [&](const std::string& id) {
    if (id.empty() || !seen.insert(id).second) return;
    ++out.total;
    if (out.ids.size() < privacy::kAuditedSubjectsLimit) out.ids.push_back(id);
  };
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (is_person_field(key) && item.is_string()) {
        add(item.get<std::string>());
      } else if (is_person_field(key) && item.is_array()) {
        for (const auto& id : item)
          if (id.is_string()) add(id.get<std::string>());
      } else {
        collect(item, seen, out);
      }
    }
  } else if (value.is_array()) {
    for (const auto& item : value) collect(item, seen, out);
  }
}
Subjects subjects_of(const json& input, const json& answer) {
  Subjects out;
  std::set<std::string> seen;
  collect(input, seen, out);
  collect(answer, seen, out);
  return out;
}

std::string person_of(RunContext& c, std::string_view command, const json& input) {
  const std::string id = input.at("person_id").get<std::string>();
  if (!c.store.has_person(id))
    throw invalid_input(command, "/person_id",
                        "\"" + id + "\", a person this organisation does not hold",
                        "a person the HR system sent (an erased person is held no more)");
  return id;
}

json audit_log(RunContext& c, const json& in) {
  require_valid_input("audit_log", "audit_log", in);
  const int limit = in.value("limit", privacy::kAuditLogDefaultLimit);
  store::PrivacyStore privacy(c.store.database());
  auto rows = privacy.audit(in.value("since", ""), in.value("person_id", ""), limit + 1);
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.pop_back();
  json entries = json::array();
  for (const auto& e : rows) {
    entries.push_back({{"at", e.at},
                       {"caller", {{"role", e.caller_role}, {"name", e.caller_name}}},
                       {"command", e.command},
                       {"input", e.input},
                       {"person_ids", e.person_ids},
                       {"person_count", e.person_count}});
  }
  return {{"entries", entries}, {"more", more}};
}

json subject_export(RunContext& c, const json& in) {
  require_valid_input("subject_export", "subject_export", in);
  const std::string person = person_of(c, "subject_export", in);
  store::PrivacyStore privacy(c.store.database());
  return {{"person_id", person},
          {"exported_at", c.now},
          {"data", privacy.subject_rows(person)},
          {"not_included",
           json::array({"survey answers: anonymous, nothing links them to the person",
                        "pair session notes the other member wrote: theirs (the person reads "
                        "them with their pair)",
                        "survey tokens and their hashes: they let anyone answer as the person"})}};
}

// The other member of each open pair hears that it ended, never why.
int end_pairs_of(RunContext& c, store::OutboxRepository& outbox,
                 const std::vector<Enrolment>& enrolments) {
  int ended = 0;
  for (const auto& pair : c.store.pairs()) {
    if (pair.state == PairState::ended) continue;
    const bool mentee = std::any_of(enrolments.begin(), enrolments.end(), [&](const Enrolment& e) {
      return e.id == pair.mentee_enrolment_id;
    });
    const bool mentor = std::any_of(enrolments.begin(), enrolments.end(), [&](const Enrolment& e) {
      return e.id == pair.mentor_enrolment_id;
    });
    if (!mentee && !mentor) continue;
    const bool was_accepted = pair.state == PairState::accepted;
    c.store.set_pair_state(pair.id, PairState::ended, c.now, "a member left the programme");
    ++ended;
    if (!was_accepted) continue;  // a proposal nobody was told of
    const std::string other = mentee ? pair.mentor_id : pair.mentee_id;
    std::string programme_name = pair.programme_id;
    for (const auto& p : c.programmes)
      if (p.id == pair.programme_id) programme_name = p.name;
    const auto key = action_key(ActionKind::notify, ActionTopic::pair_ended, c.organisation,
                                {std::to_string(pair.id)});
    enqueue_action(c, outbox, key, other, pair.programme_id,
                   {{"to", contact_of(c, other)},
                    {"subject", programme_name + ": your pairing has ended"},
                    {"text",
                     "Your pairing has ended: the other member left the programme. The "
                     "programme manager will be in touch about what comes next."}});
  }
  return ended;
}

void audit_write(RunContext& c, std::string_view command, const json& input,
                 const std::vector<std::string>& ids, std::size_t total) {
  store::PrivacyStore privacy(c.store.database());
  store::PrivacyStore::AuditEntry entry;
  entry.at = c.now;
  entry.caller_role = std::string(to_string(c.caller.role));
  entry.caller_name = c.caller.name;
  entry.command = std::string(command);
  // The input as given, unless it is large (a filter is small; nothing from
  // outside is kept unbounded): then only its size.
  const std::size_t bytes = input.dump().size();
  entry.input = bytes <= kAuditedInputBytes ? input : json{{"input_bytes", bytes}};
  entry.person_ids = ids;
  entry.person_count = static_cast<std::int64_t>(total);
  privacy.append_audit(entry);
}

json subject_erase(RunContext& c, const json& in) {
  require_valid_input("subject_erase", "subject_erase", in);
  const std::string person = person_of(c, "subject_erase", in);
  store::PrivacyStore privacy(c.store.database());
  store::SqliteOutboxRepository outbox(c.store.session());
  const auto enrolments = c.store.enrolments_of(person);
  const std::string pseudonym = privacy::new_pseudonym();
  int withdrawn = 0;
  Transaction txn(c.store.database());
  const int pairs_ended = end_pairs_of(c, outbox, enrolments);
  for (const auto& e : enrolments) {
    if (!is_open(e.state)) continue;
    c.store.transition(e.id, EnrolmentState::withdrawn, c.now,
                       "withdrawn: the person's data was erased at their request");
    ++withdrawn;
  }
  const auto changed = privacy.pseudonymise(person, privacy::id_hash(person), pseudonym, "erasure",
                                            format_date(c.today));
  // The erasure itself is on the record, under the pseudonym.
  audit_write(c, "subject_erase", {{"person_id", pseudonym}}, {pseudonym}, 1);
  txn.commit();
  const bool scrubbed = privacy.scrub_file();
  return {{"erased", true},
          {"pseudonym", pseudonym},
          {"enrolments_withdrawn", withdrawn},
          {"pairs_ended", pairs_ended},
          {"rows_changed", changed},
          {"file_scrubbed", scrubbed}};
}

}  // namespace

bool returns_personal_data(std::string_view command) {
  return reads_personal_data(command);  // the one matrix (permissions.cpp)
}

void audit_read(RunContext& c, std::string_view command, const json& input, const json& answer) {
  if (!privacy::audited(c.caller.role, returns_personal_data(command))) return;
  const auto subjects = subjects_of(input, answer);
  Transaction txn(c.store.database());
  audit_write(c, command, input, subjects.ids, subjects.total);
  txn.commit();
}

json run_retention(RunContext& c) {
  if (!c.policy.retention_months) return {{"retention_months", nullptr}, {"pseudonymised", 0}};
  const int months = *c.policy.retention_months;
  store::PrivacyStore privacy(c.store.database());
  int done = 0;
  for (const auto& f : privacy.finished_people()) {
    const auto last = parse_date(f.last_change);
    if (!last || !privacy::past_retention(*last, months, c.today)) continue;
    Transaction txn(c.store.database());
    privacy.pseudonymise(f.person_id, privacy::id_hash(f.person_id), privacy::new_pseudonym(),
                         "retention", format_date(c.today));
    txn.commit();
    ++done;
  }
  bool scrubbed = true;
  if (done > 0) scrubbed = privacy.scrub_file();
  return {{"retention_months", months}, {"pseudonymised", done}, {"file_scrubbed", scrubbed}};
}

std::optional<json> privacy_command(RunContext& c, std::string_view command, const json& input) {
  if (command == "audit_log") return audit_log(c, input);
  if (command == "subject_export") return subject_export(c, input);
  if (command == "subject_erase") return subject_erase(c, input);
  return std::nullopt;
}

std::vector<std::string> privacy_command_names() {
  return {"audit_log", "subject_export", "subject_erase"};
}

}  // namespace mentoring::shell
