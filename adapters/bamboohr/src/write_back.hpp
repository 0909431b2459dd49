// Write-back to BambooHR: each action of a configured type becomes one row of
// a customer-defined employee table (eg "customMentoring") of the employee the
// action names: POST /api/v1/employees/{id}/tables/{table}, the columns filled
// from the action as configured. BambooHR has no idempotency keys, so the
// action's key is written into a configured column, and the employee's rows
// (GET /api/v1/employees/{id}/tables/{table}) are read before posting: a row
// with the key already there answers "duplicate", also after a restart.
//
//   TableWriteBack write_back(connection, settings["write_back"]);
//   json answer = write_back.push(input);   // {"results": [...]} (adapters/README.md)
//   rest::CapabilityCheck line = write_back.check();
#pragma once

#include "connection.hpp"

#include <rest_common/check.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace mentoring::adapters::bamboohr {

// The action types a table row can record: those the plugin routes to an
// adapter declaring create_task (plugin/sync/sync.cpp). enrol_in_course and
// calendar_event have no BambooHR counterpart and are never claimed.
extern const std::vector<std::string> kTableActionTypes;

class TableWriteBack {
 public:
  // settings: the "write_back" object, already checked by the settings schema.
  // Throws Error(MENTORING_ERR_INVALID_INPUT) for what the schema cannot say.
  TableWriteBack(Connection connection, nlohmann::json settings);

  // {"actions": [...]} -> {"results": [...]}, one result per action, in order.
  nlohmann::json push(const nlohmann::json& input);
  // create_task: the table and its columns exist (GET /api/v1/meta/tables),
  // and an employee's rows can be read (needed to find earlier deliveries).
  rest::CapabilityCheck check();

 private:
  struct Column {
    std::string name;                  // the BambooHR field of the table
    std::optional<std::string> from;   // JSON pointer into the action
    std::optional<std::string> value;  // or a fixed text
    bool as_date = false;              // YYYY-MM-DD from a date or date-time
    std::map<std::string, std::string> labels;
    std::optional<std::size_t> max_length;
  };

  nlohmann::json push_one(const nlohmann::json& action, std::size_t index);
  // The row to post, or the reason it cannot be built.
  std::variant<nlohmann::json, std::string> row_for(const nlohmann::json& action,
                                                    const std::string& key) const;
  // The idempotency keys already in this employee's rows (key -> row id), read
  // once per push and kept up to date by the rows it adds.
  std::map<std::string, std::string>& delivered_keys(const std::string& employee_id);
  std::string rows_path(const std::string& employee_id) const;
  // One request to BambooHR; a non-2xx answer is a RestError naming the
  // request, the status and BambooHR's X-BambooHR-Error-Message.
  rest::Response request(const std::string& method, const std::string& path,
                         const std::string& body, const std::string& what);

  Connection connection_;
  std::string table_, key_column_;
  std::set<std::string> types_;
  std::vector<Column> columns_;
  // Per push: rows already read, and the failure that makes further tries pointless.
  std::map<std::string, std::map<std::string, std::string>> keys_by_employee_;
  std::optional<std::string> outage_;
};

}  // namespace mentoring::adapters::bamboohr
