// rest_common/pull_page.hpp — the answer of "pull" (adapters/README.md): one
// page of records, atomic: a page with any problem carries no records and
// gives back the input cursor, so the plugin keeps its own.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::adapters::rest {

struct RecordProblem {
  std::string source;            // eg "BambooHR (acme) GET /api/v1/employees page 3"
  std::optional<long long> row;  // position in the page's array, from 1; nullopt for the whole page
  std::optional<std::string> field;  // the host's key, eg "reportsToId"
  std::string pointer;               // into our record, eg "/manager_id"; "" when none
  std::string found;
  std::string expected;
  std::string message() const;
  nlohmann::json to_json() const;
};

class PullPage {
 public:
  explicit PullPage(nlohmann::json input_cursor) : input_cursor_(std::move(input_cursor)) {}

  // Validates a mapped record against its schema ("person", "leave",
  // "course-completion"); on failure records problems instead of it.
  void add_record(nlohmann::json record, std::string_view schema, const std::string& source,
                  long long row, const std::string& record_label);
  void add_problem(RecordProblem problem) { problems_.push_back(std::move(problem)); }
  void skip() { ++skipped_; }
  bool has_problems() const { return !problems_.empty(); }
  std::size_t record_count() const { return records_.size(); }

  // The answer: records and next_cursor, or [] and the input cursor when any
  // problem was found. unchanged: nothing changed since the input cursor.
  nlohmann::json answer(const std::string& next_cursor, bool more, bool unchanged = false) const;

  // The answer for a stream the settings do not configure.
  static nlohmann::json unconfigured();

 private:
  nlohmann::json input_cursor_;
  std::vector<nlohmann::json> records_;
  std::vector<RecordProblem> problems_;
  long long skipped_ = 0;
};

// The adapter's readers, by stream; an empty one means "this adapter does not
// read that stream" (answered with PullPage::unconfigured()).
struct StreamReaders {
  std::function<nlohmann::json(const nlohmann::json&cursor)> people, leave, course_completions;
};

// Answers a "pull" command ({"stream", "cursor"}) with the reader for its
// stream; throws mentoring::Error(MENTORING_ERR_INVALID_INPUT) naming /stream
// for anything else.
nlohmann::json pull_stream(const std::string& adapter_name, const nlohmann::json& input,
                           const StreamReaders& readers);

}  // namespace mentoring::adapters::rest
