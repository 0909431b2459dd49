#include "rest_common/pull_page.hpp"

#include <mentoring/module.hpp>

#include <mentoring/schema.hpp>

namespace mentoring::adapters::rest {

using nlohmann::json;

namespace {
constexpr std::size_t kMaxProblems = 100;
}

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

void PullPage::add_problems(const std::vector<schema::Problem>& problems, const std::string& source,
                            long long row) {
  for (const auto& p : problems) {
    add_problem({source, row, std::nullopt, p.pointer, p.found, p.expected});
  }
}

void PullPage::add_record(const json& record, std::string_view schema_name,
                          const std::string& source, long long row,
                          const std::string& record_label) {
  auto problems = schema::validate_record(schema_name, record, record_label);
  if (!problems.empty()) return add_problems(problems, source, row);
  if (record_count_++) records_.push_back(',');
  records_ += record.dump();
}

template <class Record>
void PullPage::add_typed(const Record& record, const std::string& source, long long row) {
  auto problems = schema::check(record, source + " record " + std::to_string(row));
  if (!problems.empty()) return add_problems(problems, source, row);
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
  bool is_unchanged = unchanged && record_count_ == 0 && problems_.empty();
  std::string head = "{\"skipped\":" + std::to_string(skipped_) +
                     ",\"unchanged\":" + (is_unchanged ? "true" : "false");
  if (problems_.empty()) {
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
    out.text += ",\"problems\":[]}";
    return out;
  }
  // Atomic page: nothing from it is stored, and the plugin keeps its cursor.
  json answer = {{"skipped", skipped_}, {"unchanged", false}};
  answer["records"] = json::array();
  answer["next_cursor"] = input_cursor_;
  answer["more"] = false;
  json problems = json::array();
  for (std::size_t i = 0; i < problems_.size() && i < kMaxProblems; ++i) {
    problems.push_back(problems_[i].to_json());
  }
  if (problems_.size() > kMaxProblems) {
    std::size_t omitted = problems_.size() - kMaxProblems;
    answer["problems_omitted"] = omitted;
    problems.push_back(RecordProblem{problems_.front().source, std::nullopt, std::nullopt, "",
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
