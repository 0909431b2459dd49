#include "write_back.hpp"

#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>
#include <rest_common/mapping.hpp>

#include <algorithm>

namespace mentoring::adapters::bamboohr {

using nlohmann::json;
using rest::Failure;
using rest::RestError;

const std::vector<std::string> kTableActionTypes = {"invite", "withdraw_invitation", "task",
                                                    "reminder", "notify"};

namespace {

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// At most `length` bytes, cut before a UTF-8 continuation byte, never inside a character.
std::string shortened(std::string text, std::size_t length) {
  if (text.size() <= length) return text;
  std::size_t cut = length;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text;
}

// Failures after which the next request to BambooHR would fail the same way.
bool is_outage(Failure failure) {
  return failure == Failure::unreachable || failure == Failure::tls ||
         failure == Failure::rate_limited || failure == Failure::server_error ||
         failure == Failure::unauthenticated;
}

// Whether a schema describes a value at these pointer tokens (through
// "properties" and array "items").
bool describes(const json& schema, const std::vector<std::string>& tokens, std::size_t from = 0) {
  if (from == tokens.size()) return true;
  if (!schema.is_object()) return false;
  if (schema.contains("properties") && schema["properties"].contains(tokens[from]))
    return describes(schema["properties"][tokens[from]], tokens, from + 1);
  if (schema.contains("items") && !tokens[from].empty() &&
      tokens[from].find_first_not_of("0123456789") == std::string::npos)
    return describes(schema["items"], tokens, from + 1);
  return false;
}

// Where a column's "from" points is there in actions of the configured kinds:
// the envelope's fields, or a payload field of at least one kind's schema
// (schemas/actions/<kind>.schema.json). "" when it is; else what is there.
std::string pointer_problem(const std::string& pointer, const std::set<std::string>& kinds) {
  std::vector<std::string> tokens;
  for (std::size_t at = 1; at <= pointer.size();) {
    std::size_t next = pointer.find('/', at);
    if (next == std::string::npos) next = pointer.size();
    std::string token = pointer.substr(at, next - at);
    for (std::size_t i; (i = token.find("~1")) != std::string::npos;) token.replace(i, 2, "/");
    for (std::size_t i; (i = token.find("~0")) != std::string::npos;) token.replace(i, 2, "~");
    tokens.push_back(token);
    at = next + 1;
  }
  static const json envelope = json::parse(schema::text("action"));
  if (tokens.empty()) return "the whole action";
  if (tokens[0] != "payload") {
    return describes(envelope, tokens) ? "" : "no such field of an action";
  }
  std::vector<std::string> rest(tokens.begin() + 1, tokens.end());
  std::string fields;
  for (const auto& kind : kinds) {
    json payload = json::parse(schema::text("actions/" + kind));
    if (describes(payload, rest)) return "";
    const json properties = payload.value("properties", json::object());  // outlives the loop
    for (const auto& [name, _] : properties.items())
      if (fields.find(" " + name + ",") == std::string::npos) fields += " " + name + ",";
  }
  if (!fields.empty()) fields.pop_back();
  return "a field no payload of " + joined(kinds) + " has (their fields:" + fields + ")";
}

}  // namespace

TableWriteBack::TableWriteBack(Connection connection, json settings)
    : connection_(std::move(connection)) {
  std::string where = connection_.settings_source() + ": /write_back";
  auto bad = [&](const std::string& pointer, const std::string& found,
                 const std::string& expected) {
    throw Error(MENTORING_ERR_INVALID_INPUT,
                where + pointer + ": found " + found + "; expected " + expected);
  };
  table_ = settings["table"].get<std::string>();
  key_column_ = settings["key_column"].get<std::string>();
  for (const auto& type :
       settings.value("action_types", json::array({"invite", "withdraw_invitation"}))) {
    types_.insert(type.get<std::string>());
  }
  if (types_.empty()) bad("/action_types", "[]", "at least one action type");
  const json columns = settings["columns"];  // named: items() refers to it
  if (columns.empty()) {
    bad("/columns", "{}",
        "at least one column filled from the action (eg the date and the event), besides "
        "key_column");
  }
  for (const auto& [name, spec] : columns.items()) {
    std::string at = "/columns/" + name;
    if (name == key_column_) {
      bad(at, "the key column \"" + name + "\"",
          "another column: key_column is filled with the action's idempotency key");
    }
    Column column{name, std::nullopt, std::nullopt, false, {}, std::nullopt};
    if (spec.contains("from") == spec.contains("value")) {
      bad(at,
          spec.contains("from") ? "both \"from\" and \"value\"" : "neither \"from\" nor \"value\"",
          "\"from\" (a JSON pointer into the action, eg \"/payload/subject\") or \"value\" (a "
          "fixed "
          "text)");
    }
    if (spec.contains("from")) {
      column.from = spec["from"].get<std::string>();
      try {
        (void)json::json_pointer(*column.from);
      } catch (const json::exception&) {
        bad(at + "/from", "\"" + *column.from + "\"",
            "a JSON pointer such as \"/payload/subject\"");
      }
      if (auto problem = pointer_problem(*column.from, types_); !problem.empty()) {
        bad(at + "/from", "\"" + *column.from + "\", " + problem,
            "a field of the actions written (schemas/action.schema.json and "
            "schemas/actions/<kind>.schema.json), eg \"/payload/subject\"");
      }
    } else {
      column.value = spec["value"].get<std::string>();
      if (spec.contains("labels") || spec.contains("as")) {
        bad(at, "\"labels\" or \"as\" with a fixed \"value\"", "them only with \"from\"");
      }
    }
    column.as_date = spec.value("as", std::string("text")) == "date";
    const json labels = spec.value("labels", json::object());  // named: items() must not dangle
    for (const auto& [theirs, label] : labels.items()) {
      column.labels[theirs] = label.get<std::string>();
    }
    if (spec.contains("max_length")) column.max_length = spec["max_length"].get<std::size_t>();
    columns_.push_back(std::move(column));
  }
}

rest::Response TableWriteBack::request(const std::string& method, const std::string& path,
                                       const std::string& body, const std::string& what) {
  std::map<std::string, std::string> headers;
  if (!body.empty()) headers["Content-Type"] = "application/json";
  rest::Response response = connection_.api->send(method, path, body, headers, what);
  if (response.status >= 200 && response.status <= 299) return response;
  std::string detail = response.header("x-bamboohr-error-message");
  std::string said = detail.empty() ? "" : " (BambooHR: " + detail + ")";
  if (response.status == 404) {
    throw RestError(Failure::not_found,
                    connection_.system + ": " + what + ": HTTP 404, not found" + said +
                        " — check that table " + table_ +
                        " exists (write_back.table) and that the employee id is BambooHR's");
  }
  RestError error = connection_.api->error_for(response, what);
  RestError with_said(error.failure(), std::string(error.what()) + said);
  if (error.failure() == Failure::unauthenticated)
    throw connection_.refused(with_said, method + " /api/v1/employees/{id}/tables/{table}");
  throw with_said;
}

std::string TableWriteBack::rows_path(const std::string& employee_id) const {
  return "/api/v1/employees/" + rest::url_encode(employee_id) + "/tables/" +
         rest::url_encode(table_);
}

std::map<std::string, std::string>& TableWriteBack::delivered_keys(const std::string& employee_id) {
  auto found = keys_by_employee_.find(employee_id);
  if (found != keys_by_employee_.end()) return found->second;
  std::string what = "rows of table " + table_ + " of employee " + employee_id;
  json body = connection_.api->parse_body(request("GET", rows_path(employee_id), "", what), what);
  std::vector<json> rows;
  if (body.is_array()) {
    rows.assign(body.begin(), body.end());
  } else if (body.is_object()) {  // some tables answer an object keyed by row id
    for (const auto& [id, row] : body.items()) rows.push_back(row);
  } else {
    throw RestError(Failure::bad_response, connection_.system + ": " + what +
                                               ": expected an "
                                               "array of rows, found " +
                                               schema::describe(body));
  }
  std::map<std::string, std::string> keys;
  for (const auto& row : rows) {
    if (!row.is_object() || !row.contains(key_column_) || !row[key_column_].is_string()) continue;
    keys[row[key_column_].get<std::string>()] = id_text(row.value("id", json())).value_or("?");
  }
  return keys_by_employee_[employee_id] = std::move(keys);
}

std::variant<json, std::string> TableWriteBack::row_for(const json& action,
                                                        const std::string& key) const {
  json row = {{key_column_, key}};
  for (const auto& column : columns_) {
    if (column.value) {
      row[column.name] = *column.value;
      continue;
    }
    std::string where = "write_back.columns." + column.name + " (from " + *column.from + ")";
    const json* found = nullptr;
    try {
      found = &action.at(json::json_pointer(*column.from));
    } catch (const json::exception&) {
      continue;  // the action does not have it: the column stays empty
    }
    if (found->is_null()) continue;
    std::string text;
    if (found->is_string()) {
      text = found->get<std::string>();
    } else if (found->is_number() || found->is_boolean()) {
      text = found->dump();
    } else {
      return where + ": found " + schema::describe(*found) +
             "; expected a text, number or date — point at a field inside it (eg " + *column.from +
             "/name)";
    }
    if (auto label = column.labels.find(text); label != column.labels.end()) text = label->second;
    if (column.as_date) {
      if (text.size() < 10 || !rest::is_date(text.substr(0, 10))) {
        return where + ": found " + schema::describe(text) +
               "; expected a date YYYY-MM-DD or a date-time starting with one";
      }
      text = text.substr(0, 10);
    }
    if (column.max_length) text = shortened(std::move(text), *column.max_length);
    row[column.name] = text;
  }
  return row;
}

json TableWriteBack::push_one(const json& action, std::size_t index) {
  std::string key = action.is_object() && action.value("idempotency_key", json()).is_string()
                        ? action["idempotency_key"].get<std::string>()
                        : "";
  auto result = [&](const std::string& status, const std::string& message) {
    return json{{"idempotency_key", key}, {"status", status}, {"message", message}};
  };
  auto problems = schema::validate("action", action, "actions/" + std::to_string(index));
  if (!problems.empty()) return result("failed", problems.front().message());
  if (action["organisation"] != connection_.organisation) {
    return result("failed", "the action is for organisation \"" +
                                action["organisation"].get<std::string>() +
                                "\"; this adapter serves \"" + connection_.organisation + "\"");
  }
  std::string type = action["type"];
  if (!types_.contains(type)) {
    bool never = std::find(kTableActionTypes.begin(), kTableActionTypes.end(), type) ==
                 kTableActionTypes.end();
    return result("not_handled", "/type: found \"" + type + "\"; " +
                                     (never ? "BambooHR has no place for it (this adapter records "
                                            : "this adapter records only ") +
                                     joined(types_) + " as rows of table " + table_ +
                                     (never ? ")" : " (write_back.action_types)"));
  }
  const json& person = action.value("person_id", json());
  if (!person.is_string() || person.get<std::string>().empty()) {
    return result("failed", "/person_id: found " + schema::describe(person) +
                                "; expected the BambooHR employee id whose table " + table_ +
                                " gets the row");
  }
  std::string employee = person.get<std::string>();
  auto row = row_for(action, key);
  if (auto* why = std::get_if<std::string>(&row)) return result("failed", *why);
  if (outage_) return result("failed", "not tried: " + *outage_);

  std::string what = "add a row to table " + table_ + " of employee " + employee;
  try {
    auto& delivered = delivered_keys(employee);
    if (auto earlier = delivered.find(key); earlier != delivered.end()) {
      return result("duplicate", "already recorded in BambooHR table " + table_ + " of employee " +
                                     employee + " (row " + earlier->second + ")");
    }
    request("POST", rows_path(employee), std::get<json>(row).dump(), what);
    delivered[key] = "new";
    return result("done", "recorded in BambooHR table " + table_ + " of employee " + employee);
  } catch (const RestError& e) {
    if (is_outage(e.failure())) outage_ = e.what();
    return result("failed", e.what());
  }
}

json TableWriteBack::push(const json& input) {
  if (!input.is_object() || !input.contains("actions") || !input["actions"].is_array()) {
    throw Error(MENTORING_ERR_INVALID_INPUT,
                connection_.name + " push: /actions: expected an array of actions");
  }
  keys_by_employee_.clear();  // BambooHR may have changed since the last push
  outage_.reset();
  if (connection_.missing_key_message) outage_ = *connection_.missing_key_message;
  json results = json::array();
  std::size_t index = 0;
  for (const auto& action : input["actions"]) results.push_back(push_one(action, index++));
  return {{"results", results}};
}

rest::CapabilityCheck TableWriteBack::check() {
  const std::string capability = "create_task";
  if (connection_.missing_key_message) {
    return {capability, true, false, false, false, *connection_.missing_key_message};
  }
  try {
    json tables = connection_.call("GET /api/v1/meta/tables", [&] {
      return connection_.api->get_json("/api/v1/meta/tables", "check table " + table_);
    });
    if (!tables.is_array()) {
      return {capability,
              true,
              true,
              true,
              false,
              connection_.system +
                  ": GET /api/v1/meta/tables: expected an array of tables, found " +
                  schema::describe(tables)};
    }
    const json* ours = nullptr;
    std::string known;
    for (const auto& t : tables) {
      if (!t.is_object() || !t.value("alias", json()).is_string()) continue;
      known += (known.empty() ? "" : ", ") + t["alias"].get<std::string>();
      if (t["alias"] == table_) ours = &t;
    }
    if (ours == nullptr) {
      return {capability,
              true,
              true,
              true,
              false,
              connection_.system + ": GET /api/v1/meta/tables lists no table \"" + table_ +
                  "\" (tables: " + (known.empty() ? "none" : known) +
                  ") — create it in BambooHR or fix write_back.table"};
    }
    std::set<std::string> fields;
    const json listed = ours->value("fields", json::array());  // named: the loop refers to it
    for (const auto& f : listed) {
      if (!f.is_object()) continue;
      for (const char* name : {"alias", "id"}) {
        if (auto text = id_text(f.value(name, json()))) fields.insert(*text);
      }
    }
    std::set<std::string> missing;
    if (!fields.contains(key_column_)) missing.insert(key_column_);
    for (const auto& c : columns_) {
      if (!fields.contains(c.name)) missing.insert(c.name);
    }
    if (!missing.empty()) {
      return {capability,
              true,
              true,
              true,
              false,
              connection_.system + ": table " + table_ + " has no field " + joined(missing) +
                  " (fields: " + joined(fields) +
                  ") — add them in BambooHR or fix write_back.key_column / write_back.columns"};
    }
    // The rows must be readable, or an earlier delivery could not be recognised.
    auto someone =
        list_employee_statuses(connection_, "check table " + table_ + " (an employee)", 1);
    std::optional<std::string> employee;
    if (!someone.empty()) employee = someone.front().id;
    if (employee) {
      request("GET", rows_path(*employee), "",
              "check table " + table_ + " (rows of employee " + *employee + ")");
    }
    return rest::CapabilityCheck::passed(
        capability, connection_.system + ": " + joined(types_) + " are recorded as rows of table " +
                        table_ + " (columns found" + (employee ? ", rows readable" : "") +
                        "; write access shows at the first write)");
  } catch (const RestError& e) {
    return rest::CapabilityCheck::failed(capability, e);
  }
}

}  // namespace mentoring::adapters::bamboohr
