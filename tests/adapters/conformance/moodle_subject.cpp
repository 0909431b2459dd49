#include "demo_data.hpp"
#include "fake_moodle.hpp"
#include "subject.hpp"

#include <moodle_adapter/moodle_adapter.hpp>

namespace mentoring::conformance {

namespace {

using nlohmann::json;

class MoodleSubject : public Subject {
 public:
  explicit MoodleSubject(TestHost& host)
      : host_(host), fake_(DEMO_DATA_DIR "/northwind", "moodle-token-abc") {}

  std::string name() const override { return "moodle"; }
  void create(int page_size, bool wrong_credentials) override {
    make(fake_.base_url(), page_size, wrong_credentials ? "wrong-key-456" : "moodle-token-abc");
  }
  void create_unreachable() override { make("http://127.0.0.1:1", 40, "moodle-token-abc"); }
  std::string call(const std::string& command, const json& input) override {
    return adapter_->call(command, input.dump());
  }
  bool reads_people() const override { return false; }
  bool reads_leave() const override { return false; }
  std::size_t expected_people() const override { return 0; }
  std::size_t expected_leave() const override { return 0; }
  std::size_t expected_skipped_leave() const override { return 0; }
  void throttle_next(int count, int retry_after_s) override {
    fake_.faults().throttle_next(count, retry_after_s);
  }
  void html_next(int count) override { fake_.faults().html_next(count); }
  Corrupted corrupt_a_person() override {
    fake_.corrupt_completion(4);  // the second user of the first page (users start at 3)
    // User 4 is the second demo person; completions are keyed "<person>/<course>".
    const std::string person = fakes::DemoData::load(DEMO_DATA_DIR "/northwind").people.at(1).id;
    return {"completionstatus.completed", person + "/MENTOR-101"};
  }
  std::string unknown_leave_type() override { return ""; }

 private:
  void make(const std::string& base_url, int page_size, const std::string& token) {
    json config = {{"organisation", "northwind"},
                   {"name", "lms"},
                   {"base_dir", "/tmp"},
                   {"settings",
                    {{"base_url", base_url},
                     {"course_completions",
                      {{"courses", {{"MENTOR-101", 12}, {"RTW-PAIR-01", 13}}},
                       {"valid_for_days", {{"MENTOR-101", 1095}}},
                       {"page_size", page_size}}}}}};
    config["settings"].update(host_.settings_patch);
    adapter_ = std::make_unique<adapters::moodle::MoodleAdapter>(
        config.dump(),
        adapters::moodle::Services{[this](const std::string& r) { return host_.http(r); },
                                   [token](const std::string& name) -> std::optional<std::string> {
                                     if (name == "MOODLE_TOKEN") return token;
                                     return std::nullopt;
                                   },
                                   [] { return TestHost::kNowMs; },
                                   [](std::string_view) {},
                                   {},
                                   {}});
  }

  TestHost& host_;
  fakes::FakeMoodle fake_;
  std::unique_ptr<adapters::moodle::MoodleAdapter> adapter_;
};

}  // namespace

std::unique_ptr<Subject> make_moodle_subject(TestHost& host) {
  return std::make_unique<MoodleSubject>(host);
}

}  // namespace mentoring::conformance
