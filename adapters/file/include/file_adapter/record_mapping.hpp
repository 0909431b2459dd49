// file_adapter/record_mapping.hpp — turns the rows of an export into normalised
// records (person, leave, course completion) as the settings map them, and
// reports every row that does not fit. Each record is validated against its
// published schema before it is emitted.
#pragma once

#include "file_adapter/settings.hpp"
#include "file_adapter/source_problem.hpp"
#include "file_adapter/source_table.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mentoring::adapters::file {

// A row that cannot become a record: the pull answer's "quarantine" entry, so
// the rest of the export is still taken (adapters/README.md, "pull").
struct QuarantinedRow {
  // The host's id of the record, when the row names it: people and leave their
  // id, completions "<person_id>/<course_id>" (how the plugin keys them).
  std::optional<std::string> record_id;
  std::vector<SourceProblem> problems;  // at least one, all of this row
  std::string excerpt;                  // the row as exported, capped
  // {"record_id","source","row","field","pointer","found","expected","message","excerpt"}
  nlohmann::json to_json() const;
};

struct MappedRecords {
  // The records as JSON texts joined by commas: the inside of the pull
  // answer's "records" array, written without a DOM (a page holds thousands).
  std::string records_json;
  std::size_t record_count = 0;
  // The records parsed (tests).
  std::vector<nlohmann::json> records() const;
  std::vector<QuarantinedRow> quarantined;  // rows that are not records, each with why
  // Problems with the export as a whole (a mapped column missing): nothing may be taken.
  std::vector<SourceProblem> problems;
  std::size_t skipped = 0;  // rows left out on purpose (a leave type mapped to null)
};

// Maps every row; the table's own problems are not repeated here. Checks the
// mapped columns exist first: when one is missing, that is the only problem.
// A row the table could not read, or that does not map, is quarantined; so are
// all rows that share an id (which of them is right cannot be known).
// Ids that several rows of the whole export use -> those rows' numbers.
using RowsOfId = std::unordered_map<std::string, std::vector<std::size_t>>;

// `rows_of_id_in_file`: when the table is one page of an export, the ids the
// whole export repeats (the survey's), so a row sharing its id with a row on
// another page is held too; without it the table is the whole export.
// `records_memory`: a string whose memory records_json reuses (the last
// page's, given back), so a page's text is not written to fresh memory.
MappedRecords map_records(const SourceTable& table, const StreamSettings& settings,
                          const RowsOfId* rows_of_id_in_file = nullptr,
                          std::string records_memory = {});

// The mapped columns (fields, attributes) the table lacks, one problem each.
// A JSON export's keys are known when one of its records is an object
// (`keys_known`; by default: when one of the table's rows is readable).
std::vector<SourceProblem> missing_columns(const SourceTable& table, const StreamSettings& settings,
                                           std::optional<bool> keys_known = std::nullopt);

// The source columns the settings name (fields, then attributes), without repeats.
std::vector<std::string> mapped_columns(const StreamSettings& settings);

}  // namespace mentoring::adapters::file
