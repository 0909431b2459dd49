// The loadable shell of the BambooHR adapter; all behaviour is in the core library.
#include "bamboohr_adapter/bamboohr_adapter.hpp"

#include <mentoring/module.hpp>

namespace {

class BambooHrModule : public mentoring::Module {
 public:
  BambooHrModule(const mentoring::Host& host, std::string_view config_json)
      : host_(host),
        adapter_(config_json,
                 {[this](const std::string& request) { return host_.http(request); },
                  [this](const std::string& name) { return host_.secret(name); },
                  [this] { return host_.now_unix_ms(); },
                  [this](std::string_view message) { host_.warn(message); }}) {}

  std::string call(std::string_view command, std::string_view input) override {
    return adapter_.call(command, input);
  }

 private:
  mentoring::Host host_;  // declared first: the adapter calls the host through it
  mentoring::adapters::bamboohr::BambooHrAdapter adapter_;
};

}  // namespace

MENTORING_MODULE(MENTORING_KIND_ADAPTER, "bamboohr", "0.1.0",
                 "BambooHR: people with supervisors and time-off requests; webhook verification",
                 R"(["read_people","read_leave","verify_webhook"])", BambooHrModule)
