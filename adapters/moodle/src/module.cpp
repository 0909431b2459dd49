// The loadable shell of the Moodle adapter; all behaviour is in the core library.
#include "moodle_adapter/moodle_adapter.hpp"

#include <mentoring/module.hpp>

namespace {

class MoodleModule : public mentoring::Module {
 public:
  MoodleModule(const mentoring::Host& host, std::string_view config_json)
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
  mentoring::Host host_;
  mentoring::adapters::moodle::MoodleAdapter adapter_;
};

}  // namespace

MENTORING_MODULE(MENTORING_KIND_ADAPTER, "moodle", "0.1.0",
                 "Moodle web services: course completions, manual enrolment, calendar events",
                 R"(["read_course_completions","write_actions","enrol_in_course","create_calendar_event"])",
                 MoodleModule)
