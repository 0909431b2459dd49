// The BambooHR adapter's core against the loopback fake, seeded with the demo
// organisation Northwind (people, leave, training.csv) and one custom employee
// table, customMentoring, for write-back.
#pragma once

#include "fake_bamboohr.hpp"
#include "prism_server.hpp"
#include "subject.hpp"

#include <bamboohr_adapter/bamboohr_adapter.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

namespace bamboohr_test {

using mentoring::conformance::TestHost;
using mentoring::fakes::DemoData;
using mentoring::fakes::FakeBambooHr;
using mentoring::fakes::PrismServer;
using nlohmann::json;
namespace bamboohr = mentoring::adapters::bamboohr;

inline const std::vector<std::string> kMentoringTableFields = {
    "customMentoringKey", "customMentoringDate", "customMentoringEvent", "customMentoringProgramme",
    "customMentoringNote"};

class BambooHrTest : public ::testing::Test {
 protected:
  BambooHrTest() {
    fake_.load_training(DEMO_DATA_DIR "/northwind/training.csv");
    fake_.define_table("customMentoring", kMentoringTableFields);
    // Every request the adapter sends is judged by BambooHR's own description.
    fake_.judge_with(PrismServer::bamboohr());
  }

  // No request of the test broke BambooHR's description.
  void TearDown() override {
    for (const auto& violation : fake_.violations()) ADD_FAILURE() << "Prism: " << violation;
  }

  std::unique_ptr<bamboohr::BambooHrAdapter> make(json extra_settings = json::object(),
                                                  std::string base_url = "",
                                                  std::string credential = "key-1234") {
    json settings = {{"company_domain", "northwind"},
                     {"base_url", base_url.empty() ? fake_.base_url() : base_url},
                     {"people", {{"page_size", 500}}},
                     // One request per employee for training: the default 10/s would be slow.
                     {"rate_limit", {{"per_second", 5000}, {"burst", 5000}}}};
    settings.update(extra_settings);
    json config = {{"organisation", "northwind"},
                   {"name", "hr"},
                   {"base_dir", "/tmp"},
                   {"settings", settings}};
    return std::make_unique<bamboohr::BambooHrAdapter>(
        config.dump(),
        bamboohr::Services{[this](const std::string& r) { return host_.http(r); },
                           [credential](const std::string& name) -> std::optional<std::string> {
                             if (name == "BAMBOOHR_API_KEY") return credential;
                             if (name == "BAMBOOHR_ACCESS_TOKEN") return credential;
                             if (name == "BAMBOOHR_WEBHOOK_KEY") return "whsec-5678";
                             return std::nullopt;
                           },
                           [] { return TestHost::kNowMs; },
                           [](std::string_view) {},
                           {},
                           {}});
  }

  static json pull(bamboohr::BambooHrAdapter& adapter, const std::string& stream,
                   const json& cursor) {
    return json::parse(adapter.call("pull", json{{"stream", stream}, {"cursor", cursor}}.dump()));
  }

  // The capability's line in a check answer (null when absent).
  static json capability(const json& check, const std::string& name) {
    for (const auto& c : check["capabilities"]) {
      if (c["name"] == name) return c;
    }
    return nullptr;
  }

  std::set<std::string> active_people() const {
    std::set<std::string> out;
    for (const auto& p : fake_.data().people) {
      if (p.termination_date.empty()) out.insert(p.id);
    }
    return out;
  }

  FakeBambooHr fake_{DemoData::load(DEMO_DATA_DIR "/northwind"), "key-1234"};
  TestHost host_;  // destroyed first: its connections close before the fake stops
};

}  // namespace bamboohr_test
