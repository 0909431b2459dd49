// file_adapter/source_problem.hpp — one problem found in an export, as pull
// reports it: which file, which row and column, what was found and expected.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace mentoring::adapters::file {

struct SourceProblem {
  std::string source;  // eg "people.csv"
  std::optional<std::size_t>
      row;  // spreadsheet row (CSV, header = 1) or record number (JSON, from 1)
  std::optional<std::string> field;  // their column (CSV) or key (JSON)
  std::string pointer;               // our record's JSON pointer, eg "/start_date"; "" when none
  std::string found;                 // eg "\"2024-13-40\""
  std::string expected;              // eg "a date DD/MM/YYYY"
  bool json_source = false;          // says "record"/"key" instead of "row"/"column"

  // eg: people.csv row 7, column "Hire Date": found "2024-13-40"; expected a date DD/MM/YYYY
  std::string message() const;
  // {"source","row","field","pointer","found","expected","message"}; absent row/field are null.
  nlohmann::json to_json() const;
};

}  // namespace mentoring::adapters::file
