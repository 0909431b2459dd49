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

void PullPage::add_record(json record, std::string_view schema_name, const std::string& source,
                          long long row, const std::string& record_label) {
  auto problems = schema::validate_record(schema_name, record, record_label);
  if (problems.empty()) {
    records_.push_back(std::move(record));
    return;
  }
  for (const auto& p : problems) {
    add_problem({source, row, std::nullopt, p.pointer, p.found, p.expected});
  }
}

json PullPage::answer(const std::string& next_cursor, bool more, bool unchanged) const {
  json answer = {{"skipped", skipped_},
                 {"unchanged", unchanged && records_.empty() && problems_.empty()}};
  if (problems_.empty()) {
    answer["records"] = records_;
    answer["next_cursor"] = next_cursor;
    answer["more"] = more;
    answer["problems"] = json::array();
    return answer;
  }
  // Atomic page: nothing from it is stored, and the plugin keeps its cursor.
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
  return answer;
}

json PullPage::unconfigured() {
  return {{"records", json::array()}, {"next_cursor", nullptr}, {"more", false},
          {"unchanged", true},        {"skipped", 0},           {"problems", json::array()}};
}

json pull_stream(const std::string& adapter_name, const json& input, const StreamReaders& readers) {
  std::string stream = input.is_object() && input.contains("stream") && input["stream"].is_string()
                           ? input["stream"].get<std::string>()
                           : "";
  json cursor = input.is_object() ? input.value("cursor", json()) : json();
  const std::function<json(const json&)>* reader = stream == "people"  ? &readers.people
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
