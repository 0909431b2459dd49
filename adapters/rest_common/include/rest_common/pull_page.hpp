// rest_common/pull_page.hpp — the answer of "pull" (adapters/README.md): one
// page of records. A record that fails its checks is quarantined (sent as the
// answer's "quarantine", with its id) and the rest of the page is taken; a
// problem with the page itself (the host's answer unreadable, its envelope
// wrong) makes the page atomic: no records, and the input cursor back, so the
// plugin keeps its own.
#pragma once

#include <mentoring/record_writer.hpp>
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

// The text of a pull answer (a JSON object), ready to return from "pull".
// A type of its own, so it is never mistaken for a JSON string value.
struct PullAnswer {
  std::string text;
};

class PullPage {
 public:
  explicit PullPage(nlohmann::json input_cursor) : input_cursor_(std::move(input_cursor)) {}

  // Validates a mapped record against its schema ("person", "leave",
  // "course-completion"); on failure records problems instead of it.
  void add_record(const nlohmann::json& record, std::string_view schema, const std::string& source,
                  long long row, const std::string& record_label);
  // The same for records built field by field: checked and written without a
  // DOM (mentoring/record_writer.hpp); the label is made only on a problem.
  void add_record(const schema::PersonRecord& record, const std::string& source, long long row);
  void add_record(const schema::LeaveRecord& record, const std::string& source, long long row);
  // A problem with the page as a whole: nothing of the page is taken.
  void add_problem(RecordProblem problem) { problems_.push_back(std::move(problem)); }
  // A problem with one record: it is quarantined, the rest of the page goes
  // on. record_id: the host's id as the plugin keys it (a person's or leave's
  // id, a completion's "<person_id>/<course_id>"), nullopt when unknown;
  // record: what the host sent, shown (capped) as the entry's excerpt.
  // Problems given one after another for the same record make one entry.
  void quarantine(RecordProblem problem, const std::optional<std::string>& record_id,
                  const nlohmann::json& record);
  void skip() { ++skipped_; }
  // This page belongs to a full read of everyone the host lists: once its last
  // page is stored, the plugin treats people listed before and not in this
  // read as no longer in the host's records. read_id: the same on every page
  // of one read (a resumed read included), new for the next read.
  void mark_full_read(const std::string& read_id, bool last_page) {
    full_read_ = read_id;
    full_read_ends_ = last_page;
  }
  // Page-level problems only: quarantined records do not hold back the page.
  bool has_problems() const { return !problems_.empty(); }
  std::size_t problem_count() const { return problems_.size(); }
  // Problems given to quarantine() so far: a mapper compares it before and
  // after a record to know whether that record failed.
  std::size_t quarantined_problem_count() const { return quarantined_problems_; }
  std::size_t quarantined_count() const { return quarantined_.size(); }
  std::size_t record_count() const { return record_count_; }

  // The answer: records, quarantine and next_cursor; or [] and the input
  // cursor when any page-level problem was found (its quarantine is then
  // left out: the page is read again). unchanged: nothing changed since the
  // input cursor.
  PullAnswer answer(const std::string& next_cursor, bool more, bool unchanged = false) const;

  // The answer for a stream the settings do not configure.
  static PullAnswer unconfigured();

 private:
  nlohmann::json input_cursor_;
  struct Quarantined {
    std::optional<std::string> record_id;
    std::vector<RecordProblem> problems;  // at least one
    std::string excerpt;                  // capped
    nlohmann::json to_json() const;
  };
  void add_problems(const std::vector<schema::Problem>& problems, const std::string& source,
                    long long row, const std::optional<std::string>& record_id,
                    const nlohmann::json& record);
  template <class Record>
  void add_typed(const Record& record, const std::string& source, long long row);
  std::string records_;  // the records' JSON texts, comma-separated
  std::size_t record_count_ = 0;
  std::string full_read_;  // "" when not part of a full read
  bool full_read_ends_ = false;
  std::vector<RecordProblem> problems_;
  std::vector<Quarantined> quarantined_;
  std::size_t quarantined_problems_ = 0;
  long long skipped_ = 0;
};

// The adapter's readers, by stream; an empty one means "this adapter does not
// read that stream" (answered with PullPage::unconfigured()).
struct StreamReaders {
  std::function<PullAnswer(const nlohmann::json&cursor)> people, leave, course_completions;
};

// Answers a "pull" command ({"stream", "cursor"}) with the reader for its
// stream; throws mentoring::Error(MENTORING_ERR_INVALID_INPUT) naming /stream
// for anything else.
PullAnswer pull_stream(const std::string& adapter_name, const nlohmann::json& input,
                       const StreamReaders& readers);

}  // namespace mentoring::adapters::rest
