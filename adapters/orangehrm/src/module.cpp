// The loadable shell of the OrangeHRM adapter; all behaviour is in the core library.
#include "orangehrm_adapter/orangehrm_adapter.hpp"

#include <mentoring/module.hpp>

namespace {

class OrangeHrmModule : public mentoring::Module {
 public:
  OrangeHrmModule(const mentoring::Host& host, std::string_view config_json)
      : host_(host),
        adapter_(config_json,
                 {[this](const std::string& request) { return host_.http(request); },
                  [this](const std::string& name) { return host_.secret(name); },
                  [this] { return host_.now_unix_ms(); },
                  [this](std::string_view message) { host_.warn(message); },
                  [this] { return host_.storage_directory(); }}) {}

  std::string call(std::string_view command, std::string_view input) override {
    return adapter_.call(command, input);
  }

 private:
  mentoring::Host host_;  // declared first: the adapter calls the host through it
  mentoring::adapters::orangehrm::OrangeHrmAdapter adapter_;
};

}  // namespace

MENTORING_MODULE(MENTORING_KIND_ADAPTER, "orangehrm", "0.1.0",
                 "OrangeHRM 5: employees with supervisors and leave requests (OAuth 2)",
                 R"(["read_people","read_leave"])", OrangeHrmModule)
