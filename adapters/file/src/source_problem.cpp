#include "file_adapter/source_problem.hpp"

namespace mentoring::adapters::file {

std::string SourceProblem::message() const {
  std::string out = source;
  if (row) out += (json_source ? " record " : " row ") + std::to_string(*row);
  if (field)
    out += std::string(row ? ", " : " ") + (json_source ? "key \"" : "column \"") + *field + "\"";
  out += ": found " + found + "; expected " + expected;
  return out;
}

nlohmann::json SourceProblem::to_json() const {
  return {
      {"source", source},
      {"row", row ? nlohmann::json(*row) : nlohmann::json(nullptr)},
      {"field", field ? nlohmann::json(*field) : nlohmann::json(nullptr)},
      {"pointer", pointer},
      {"found", found},
      {"expected", expected},
      {"message", message()},
  };
}

}  // namespace mentoring::adapters::file
