// A write-back adapter whose host refuses every action: each one it is given
// comes back "failed" with the host's words. For exit-code tests (exit 7).
#include <mentoring/module.hpp>

#include <nlohmann/json.hpp>

#include <string>

class RefusingWriter : public mentoring::Module {
 public:
  RefusingWriter(const mentoring::Host&, std::string_view) {}
  std::string call(std::string_view command, std::string_view input) override {
    using nlohmann::json;
    if (command == "check") return R"({"ok":true,"capabilities":[]})";
    if (command == "push") {
      const json request = json::parse(input);
      json results = json::array();
      for (const auto& action : request.at("actions")) {
        results.push_back({{"idempotency_key", action.at("idempotency_key")},
                           {"status", "failed"},
                           {"message", "HTTP 403: the test host refuses every write-back"}});
      }
      return json{{"results", results}}.dump();
    }
    throw mentoring::Error(MENTORING_ERR_UNKNOWN_COMMAND,
                           "refusing_writer: unknown command " + std::string(command));
  }
};

// Declares every kind it could carry, so any routing sends it every action.
MENTORING_MODULE(
    MENTORING_KIND_ADAPTER, "refusing_writer", "0.0.1",
    "test: a host that refuses every write-back",
    R"(["write_actions","create_task","enrol_in_course","create_calendar_event","manage_groups"])",
    RefusingWriter)
