// BambooHR's Training module read as course completions (the
// "course_completions" stream): the training types come from
// GET /api/v1/training/type, each employee's records from
// GET /api/v1/training/record/employee/{id}. Employees are listed once per
// pass (the custom report with an API key, GET /api/v1/employees with OAuth)
// and read a page at a time; after
// one full pass only employees in /api/v1/employees/changed are read again,
// with a full pass every full_sync_every_hours.
//
//   TrainingStream training(connection, settings["training"]);
//   json page = training.pull(cursor);        // the pull answer (adapters/README.md)
//   rest::CapabilityCheck line = training.check();
#pragma once

#include "connection.hpp"

#include <rest_common/check.hpp>
#include <rest_common/pull_page.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mentoring::adapters::bamboohr {

// What PullPage answers (and a stream reader returns).
using PullResult = decltype(rest::PullPage::unconfigured());

class TrainingStream {
 public:
  // settings: the "training" object, already checked by the settings schema.
  TrainingStream(Connection connection, nlohmann::json settings);

  // One page: the training records of up to page_size employees.
  PullResult pull(const nlohmann::json& cursor);
  // read_course_completions: GET /api/v1/training/type answers and every
  // configured type is found there.
  rest::CapabilityCheck check();

 private:
  struct TrainingType {
    std::string id, name;
    std::optional<int> renewal_months;  // renewable types: months between renewals
  };

  // Reads the training types and resolves the configured keys (id or name)
  // to type ids; what cannot be resolved becomes a problem on `page`.
  void load_types(rest::PullPage& page);
  // The training types, or a problem on `page` (nullopt then).
  std::optional<std::vector<TrainingType>> fetch_types(rest::PullPage& page);
  // Resolves the configured keys; returns the keys that name no type.
  std::vector<std::string> resolve(const std::vector<TrainingType>& types);
  std::string types_listing(const std::vector<TrainingType>& types) const;
  void read_employee(const std::string& employee_id, rest::PullPage& page);
  void map_record(const std::string& employee_id, const std::string& key,
                  const nlohmann::json& item, long long row, const std::string& request,
                  rest::PullPage& page);

  Connection connection_;
  nlohmann::json settings_;
  bool unmapped_is_problem_ = false;
  std::string today_;
  // Loaded once per pass (and per adapter instance).
  bool types_loaded_ = false;
  std::map<std::string, TrainingType> types_;                         // by type id
  std::map<std::string, std::optional<std::string>> course_of_type_;  // type id -> our course
  // The full pass's employees (ids in id_before order), listed once per pass.
  long long employees_started_ = -1;
  std::vector<std::string> employees_;
};

}  // namespace mentoring::adapters::bamboohr
