#include "rest_common/pull_page.hpp"

#include <mentoring/module.hpp>

#include <mentoring/schema.hpp>

namespace mentoring::adapters::rest {

using nlohmann::json;

namespace {
constexpr std::size_t kMaxProblems = 100;
// What a quarantine entry keeps of a record and of its problems' words (the
// plugin keeps at most 2000 and 1000 bytes: quarantine_repository.hpp).
constexpr std::size_t kMaxExcerpt = 1000;
constexpr std::size_t kMaxMessage = 1000;
// Records one page may send to the quarantine. More is a fault of the host or
// of the settings (a type map, a field name), not of single records: the page
// is refused instead, and the answer stays bounded.
constexpr std::size_t kMaxQuarantined = 1000;

// At most max_bytes of UTF-8 text, never cut inside a character; "..." marks a cut.
std::string capped(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes > 3 ? max_bytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "...";
}

}  // namespace

std::string RecordProblem::message() const {
  std::string where = source;
  if (row) where += " record " + std::to_string(*row);
  if (field) where += ", field \"" + *field + "\"";
  return where + ": found " + found + "; expected " + expected;
}

json RecordProblem::to_json() const {
  return {{"source", source},
          {"row", row ? json(*row) : json(nullptr)},
          {"field", field ? json(*field) : json(nullptr)},
          {"pointer", pointer},
          {"found", found},
          {"expected", expected},
          {"message", message()}};
}

json PullPage::Quarantined::to_json() const {
  const RecordProblem& first = problems.front();
  std::string message;
  for (const auto& p : problems) {
    if (!message.empty()) message += "; ";
    message += p.message();
    if (message.size() > kMaxMessage) break;
  }
  return {{"record_id", record_id ? json(*record_id) : json(nullptr)},
          {"source", first.source},
          {"row", first.row ? json(*first.row) : json(nullptr)},
          {"field", first.field ? json(*first.field) : json(nullptr)},
          {"pointer", first.pointer},
          {"found", first.found},
          {"expected", first.expected},
          {"message", capped(std::move(message), kMaxMessage)},
          {"excerpt", excerpt}};
}

void PullPage::quarantine(RecordProblem problem, const std::optional<std::string>& given_id,
                          const json& record) {
  ++quarantined_problems_;
  // An empty id names nobody (the plugin refuses it as an id); nor does one
  // beyond the id limits (a 10 MB id, control characters).
  const std::optional<std::string> record_id =
      given_id && schema::is_usable_id(*given_id) ? given_id : std::nullopt;
  if (!quarantined_.empty()) {
    Quarantined& last = quarantined_.back();
    const RecordProblem& seen = last.problems.front();
    bool same_record =
        record_id ? last.record_id == record_id
                  : !last.record_id && seen.source == problem.source && seen.row == problem.row;
    if (same_record) {
      last.problems.push_back(std::move(problem));
      return;
    }
  }
  // replace: a host's invalid UTF-8 becomes U+FFFD, never an invalid answer.
  std::string excerpt =
      capped(record.dump(-1, ' ', false, json::error_handler_t::replace), kMaxExcerpt);
  quarantined_.push_back({record_id, {std::move(problem)}, std::move(excerpt)});
}

void PullPage::add_problems(const std::vector<schema::Problem>& problems, const std::string& source,
                            long long row, const std::optional<std::string>& record_id,
                            const json& record) {
  for (const auto& p : problems) {
    quarantine({source, row, std::nullopt, p.pointer, p.found, p.expected}, record_id, record);
  }
}

void PullPage::add_record(const json& record, std::string_view schema_name,
                          const std::string& source, long long row,
                          const std::string& record_label) {
  auto problems = schema::validate_record(schema_name, record, record_label);
  if (!problems.empty())
    return add_problems(problems, source, row, schema::record_key(record), record);
  if (record_count_++) records_.push_back(',');
  records_ += record.dump();
}

template <class Record>
void PullPage::add_typed(const Record& record, const std::string& source, long long row) {
  auto problems = schema::check(record, source + " record " + std::to_string(row));
  if (!problems.empty()) {
    json as_json = schema::to_json(record);
    return add_problems(problems, source, row, schema::record_key(as_json), as_json);
  }
  if (record_count_++) records_.push_back(',');
  schema::append_json(records_, record);
}

void PullPage::add_record(const schema::PersonRecord& record, const std::string& source,
                          long long row) {
  add_typed(record, source, row);
}

void PullPage::add_record(const schema::LeaveRecord& record, const std::string& source,
                          long long row) {
  add_typed(record, source, row);
}

PullAnswer PullPage::answer(const std::string& next_cursor, bool more, bool unchanged) const {
  bool is_unchanged = unchanged && record_count_ == 0 && problems_.empty() && quarantined_.empty();
  std::string head = "{\"skipped\":" + std::to_string(skipped_) +
                     ",\"unchanged\":" + (is_unchanged ? "true" : "false");
  if (problems_.empty() && quarantined_.size() <= kMaxQuarantined) {
    PullAnswer out;
    out.text.reserve(head.size() + records_.size() + next_cursor.size() + 64);
    out.text += head;
    out.text += ",\"records\":[";
    out.text += records_;
    out.text += "],\"next_cursor\":";
    schema::append_json_string(out.text, next_cursor);
    out.text += more ? ",\"more\":true" : ",\"more\":false";
    if (!full_read_.empty()) {
      out.text += ",\"full_read\":{\"id\":";
      schema::append_json_string(out.text, full_read_);
      out.text += full_read_ends_ ? ",\"last_page\":true}" : ",\"last_page\":false}";
    }
    if (!quarantined_.empty()) {
      // One bad record holds back only itself (adapters/README.md, "quarantine").
      json entries = json::array();
      for (const auto& q : quarantined_) entries.push_back(q.to_json());
      out.text += ",\"quarantine\":";
      out.text += entries.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    out.text += ",\"problems\":[]}";
    return out;
  }
  // Atomic page: nothing from it is stored, and the plugin keeps its cursor.
  json answer = {{"skipped", skipped_}, {"unchanged", false}};
  answer["records"] = json::array();
  answer["next_cursor"] = input_cursor_;
  answer["more"] = false;
  std::vector<RecordProblem> listed = problems_;
  if (quarantined_.size() > kMaxQuarantined) {
    const std::string& source = quarantined_.front().problems.front().source;
    listed.push_back(
        {source, std::nullopt, std::nullopt, "",
         std::to_string(quarantined_.size()) + " records of one page that fail their checks",
         "at most " + std::to_string(kMaxQuarantined) +
             " (so many point at the settings or the host, not at single records; "
             "the first ones follow)"});
    for (const auto& q : quarantined_) listed.push_back(q.problems.front());
  }
  json problems = json::array();
  for (std::size_t i = 0; i < listed.size() && i < kMaxProblems; ++i) {
    problems.push_back(listed[i].to_json());
  }
  if (listed.size() > kMaxProblems) {
    std::size_t omitted = listed.size() - kMaxProblems;
    answer["problems_omitted"] = omitted;
    problems.push_back(RecordProblem{listed.front().source, std::nullopt, std::nullopt, "",
                                     std::to_string(omitted) + " more problems",
                                     "none; only the first 100 are listed"}
                           .to_json());
  }
  answer["problems"] = problems;
  return {answer.dump(-1, ' ', false, json::error_handler_t::replace)};
}

PullAnswer PullPage::unconfigured() {
  return {
      R"({"records":[],"next_cursor":null,"more":false,"unchanged":true,"skipped":0,"problems":[]})"};
}

PullAnswer pull_stream(const std::string& adapter_name, const json& input,
                       const StreamReaders& readers) {
  std::string stream = input.is_object() && input.contains("stream") && input["stream"].is_string()
                           ? input["stream"].get<std::string>()
                           : "";
  json cursor = input.is_object() ? input.value("cursor", json()) : json();
  const std::function<PullAnswer(const json&)>* reader = stream == "people"  ? &readers.people
                                                         : stream == "leave" ? &readers.leave
                                                         : stream == "course_completions"
                                                             ? &readers.course_completions
                                                             : nullptr;
  if (reader == nullptr) {
    throw Error(MENTORING_ERR_INVALID_INPUT,
                adapter_name + " pull: /stream: found " +
                    (stream.empty() ? std::string("(missing)") : "\"" + stream + "\"") +
                    "; expected one of: people, leave, course_completions");
  }
  return *reader ? (*reader)(cursor) : PullPage::unconfigured();
}

}  // namespace mentoring::adapters::rest
