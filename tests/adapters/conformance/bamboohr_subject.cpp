#include "fake_bamboohr.hpp"
#include "prism_server.hpp"
#include "subject.hpp"

#include <gtest/gtest.h>

#include <bamboohr_adapter/bamboohr_adapter.hpp>

namespace mentoring::conformance {

namespace {

using nlohmann::json;

class BambooHrSubject : public Subject {
 public:
  explicit BambooHrSubject(TestHost& host)
      : host_(host), fake_(fakes::DemoData::load(DEMO_DATA_DIR "/northwind"), "test-api-key-123") {
    // The Training module and a custom table, so check probes them too.
    fake_.load_training(DEMO_DATA_DIR "/northwind/training.csv");
    fake_.define_table("customMentoring", {"customMentoringKey", "customMentoringDate"});
    // Every request is judged by BambooHR's own description, served by Prism.
    fake_.judge_with(fakes::PrismServer::bamboohr());
  }
  ~BambooHrSubject() override {
    for (const auto& violation : fake_.violations()) ADD_FAILURE() << "Prism: " << violation;
  }

  std::string name() const override { return "bamboohr"; }

  void create(int page_size, bool wrong_credentials) override {
    make(fake_.base_url(), page_size, wrong_credentials ? "wrong-key-456" : "test-api-key-123");
  }
  void create_unreachable() override { make("http://127.0.0.1:1", 50, "test-api-key-123"); }

  std::string call(const std::string& command, const json& input) override {
    return adapter_->call(command, input.dump());
  }

  bool reads_people() const override { return true; }
  bool reads_leave() const override { return true; }
  std::size_t expected_people() const override { return fake_.active_people(); }
  std::size_t expected_leave() const override {
    return fake_.data().leave.size() - expected_skipped_leave();
  }
  std::size_t expected_skipped_leave() const override {
    std::size_t annual = 0;
    for (const auto& l : fake_.data().leave) annual += l.type == "Annual Leave";
    return annual;
  }

  void throttle_next(int count, int retry_after_s) override {
    fake_.faults().throttle_next(count, retry_after_s);
  }
  void html_next(int count) override { fake_.faults().html_next(count); }
  Corrupted corrupt_a_person() override {
    fake_.corrupt_employee(fake_.data().people.front().id, "hireDate", 20050101);
    return {"hireDate", fake_.data().people.front().id};
  }
  std::string unknown_leave_type() override {
    fake_.corrupt_leave(fake_.data().leave.front().id, "type",
                        {{"id", "99"}, {"name", "Sabbatical"}});
    return "type.name";
  }

 private:
  void make(const std::string& base_url, int page_size, const std::string& key) {
    json config = {
        {"organisation", "northwind"},
        {"name", "hr"},
        {"base_dir", "/tmp"},
        {"settings",
         {{"company_domain", "northwind"},
          {"base_url", base_url},
          {"people", {{"page_size", page_size}}},
          {"leave",
           {{"from", "2018-01-01"},
            {"window_days", 365},
            {"leave_types", json::parse(fakes::demo_leave_types_json())}}},
          {"training", {{"types", {{fake_.training_type_id("MENTOR-101"), "MENTOR-101"}}}}},
          {"write_back",
           {{"table", "customMentoring"},
            {"key_column", "customMentoringKey"},
            {"columns", {{"customMentoringDate", {{"from", "/created_at"}, {"as", "date"}}}}}}}}}};
    config["settings"].update(host_.settings_patch);
    adapter_ = std::make_unique<adapters::bamboohr::BambooHrAdapter>(
        config.dump(),
        adapters::bamboohr::Services{[this](const std::string& r) { return host_.http(r); },
                                     [key](const std::string& name) -> std::optional<std::string> {
                                       if (name == "BAMBOOHR_API_KEY") return key;
                                       return std::nullopt;
                                     },
                                     [] { return TestHost::kNowMs; },
                                     [](std::string_view) {},
                                     {},
                                     {}});
  }

  TestHost& host_;
  fakes::FakeBambooHr fake_;
  std::unique_ptr<adapters::bamboohr::BambooHrAdapter> adapter_;
};

}  // namespace

std::unique_ptr<Subject> make_bamboohr_subject(TestHost& host) {
  return std::make_unique<BambooHrSubject>(host);
}

}  // namespace mentoring::conformance
