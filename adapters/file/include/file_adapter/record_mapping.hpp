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
#include <vector>

namespace mentoring::adapters::file {

struct MappedRecords {
  std::vector<nlohmann::json> records;
  std::vector<SourceProblem> problems;
  std::size_t skipped = 0;  // rows left out on purpose (a leave type mapped to null)
};

// Maps every row; the table's own problems are not repeated here. Checks the
// mapped columns exist first: when one is missing, that is the only problem.
MappedRecords map_records(const SourceTable& table, const StreamSettings& settings);

// The source columns the settings name (fields, then attributes), without repeats.
std::vector<std::string> mapped_columns(const StreamSettings& settings);

}  // namespace mentoring::adapters::file
