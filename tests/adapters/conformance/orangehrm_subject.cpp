#include "fake_orangehrm.hpp"
#include "subject.hpp"

#include <orangehrm_adapter/orangehrm_adapter.hpp>

namespace mentoring::conformance {

namespace {

using nlohmann::json;

class OrangeHrmSubject : public Subject {
 public:
  explicit OrangeHrmSubject(TestHost& host)
      : host_(host),
        fake_(fakes::DemoData::load(DEMO_DATA_DIR "/northwind"), "mentoring", "test-api-key-123") {
    // The suite needs no sign-in; a real OrangeHRM 5.7 enables only
    // authorization_code and refresh_token (orangehrm_adapter_tests cover those).
    fake_.allow_grants({"client_credentials"});
  }

  std::string name() const override { return "orangehrm"; }

  void create(int page_size, bool wrong_credentials) override {
    make(fake_.base_url(), page_size, wrong_credentials ? "wrong-key-456" : "test-api-key-123");
  }
  void create_unreachable() override {
    make("http://127.0.0.1:1/web/index.php", 50, "test-api-key-123");
  }

  std::string call(const std::string& command, const json& input) override {
    return adapter_->call(command, input.dump());
  }

  bool reads_people() const override { return true; }
  bool reads_leave() const override { return true; }
  std::size_t expected_people() const override { return fake_.current_employees(); }
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
    fake_.corrupt_employee(1, "firstName", 42);
    return {"firstName", "1"};  // the person's id is the empNumber
  }
  std::string unknown_leave_type() override {
    fake_.corrupt_leave(1, "leaveType", {{"id", 99}, {"name", "Sabbatical"}, {"deleted", false}});
    return "leaveType.name";
  }

 private:
  void make(const std::string& base_url, int page_size, const std::string& secret) {
    json config = {{"organisation", "northwind"},
                   {"name", "hr"},
                   {"base_dir", "/tmp"},
                   {"settings",
                    {{"base_url", base_url},
                     {"client_id", "mentoring"},
                     {"grant", "client_credentials"},
                     // A full read asks for every employee's job details: the
                     // default budget (10 requests/s) would only time itself here.
                     {"rate_limit", {{"per_second", 10000}, {"burst", 10000}}},
                     {"people", {{"page_size", page_size}}},
                     {"leave",
                      {{"from", "2018-01-01"},
                       {"page_size", page_size},
                       {"leave_types", json::parse(fakes::demo_leave_types_json())}}}}}};
    config["settings"].update(host_.settings_patch);
    adapter_ = std::make_unique<adapters::orangehrm::OrangeHrmAdapter>(
        config.dump(), adapters::orangehrm::Services{
                           [this](const std::string& r) { return host_.http(r); },
                           [secret](const std::string& name) -> std::optional<std::string> {
                             if (name == "ORANGEHRM_CLIENT_SECRET") return secret;
                             return std::nullopt;
                           },
                           [] { return TestHost::kNowMs; },
                           [](std::string_view) {},
                           [] { return std::string(); },
                           {}});
  }

  TestHost& host_;
  fakes::FakeOrangeHrm fake_;
  std::unique_ptr<adapters::orangehrm::OrangeHrmAdapter> adapter_;
};

}  // namespace

std::unique_ptr<Subject> make_orangehrm_subject(TestHost& host) {
  return std::make_unique<OrangeHrmSubject>(host);
}

}  // namespace mentoring::conformance
