// The OrangeHRM fake held to the real OrangeHRM 5.7 (API 2.7.0): for every
// answer recorded in ../shared/hosts/orangehrm/recorded (NAME.json body,
// NAME.meta.json method, URL, status, headers, auth), the fake, seeded with
// the same people and leave (read from the recordings), is sent the same
// method, path and query with the same kind of credentials, and must answer
// with the same status, the same media type and a body of the same shape:
// the same keys in every object, the same JSON type for every value (a null
// on either side matches anything: unset fields are null in OrangeHRM), the
// same envelope, items where OrangeHRM gave items. So the fake the adapter's
// tests run against cannot drift from the real system.
#include "fake_orangehrm.hpp"
#include "subject.hpp"

#include <orangehrm_adapter/orangehrm_adapter.hpp>

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;
using mentoring::fakes::DemoData;
using mentoring::fakes::DemoLeave;
using mentoring::fakes::DemoPerson;
using mentoring::fakes::FakeOrangeHrm;
using nlohmann::json;

namespace {

const fs::path kRecorded = RECORDED_DIR;

json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return json::parse(in);
}

std::string kind(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  return "number";
}

// One sample per array: every key of every element, with the first non-null
// value seen for it (the recordings' arrays hold items of one model).
json merged(const json& items) {
  json sample;
  for (const auto& item : items) {
    if (sample.is_null()) {
      sample = item;
    } else if (sample.is_object() && item.is_object()) {
      for (const auto& [key, value] : item.items()) {
        if (!sample.contains(key) || sample[key].is_null())
          sample[key] = value;
        else if (sample[key].is_object() && value.is_object())
          sample[key] = merged(json::array({sample[key], value}));
        else if (sample[key].is_array() && value.is_array()) {
          json both = sample[key];
          for (const auto& v : value) both.push_back(v);
          json one = merged(both);
          sample[key] = one.is_null() ? json::array() : json::array({one});
        }
      }
    }
  }
  return sample;
}

// whole: real is a recorded value itself, not a sample merged from several
// items (one item's empty array says nothing about another's).
void compare(const json& real, const json& fake, const std::string& path,
             std::vector<std::string>& differences, bool whole = true) {
  if (real.is_null() || fake.is_null()) return;
  if (kind(real) != kind(fake)) {
    differences.push_back(path + ": OrangeHRM gives " + kind(real) + " " + real.dump() +
                          ", the fake " + kind(fake) + " " + fake.dump());
    return;
  }
  if (real.is_object()) {
    for (const auto& [key, value] : real.items()) {
      if (!fake.contains(key))
        differences.push_back(path + "/" + key + ": missing in the fake");
      else
        compare(value, fake[key], path + "/" + key, differences, whole);
    }
    for (const auto& [key, value] : fake.items())
      if (!real.contains(key)) differences.push_back(path + "/" + key + ": not in OrangeHRM's");
  } else if (real.is_array()) {
    if (whole && !real.empty() && fake.empty()) {
      differences.push_back(path + ": OrangeHRM gives items, the fake none");
      return;
    }
    if (real.empty()) return;
    json sample = real.size() == 1 ? real[0] : merged(real);
    for (std::size_t i = 0; i < fake.size(); ++i)
      compare(sample, fake[i], path + "/" + std::to_string(i), differences, real.size() == 1);
  }
}

int status_id(const json& request) {
  return request["leaveBreakdown"][0]["id"].get<int>();
}

// The recorded organisation as demo data: people by empNumber (1..n), their
// Direct supervisor as manager (the recorded /supervisors where the list names
// several), leave requests by id with their recorded status and dates.
struct RecordedWorld {
  DemoData data;
  std::vector<std::tuple<int, int, std::string>> other_supervisors;  // emp, supervisor, method
};

RecordedWorld recorded_world() {
  RecordedWorld world;
  json people = read_json(kRecorded / "employees_detailed.json")["data"];
  std::sort(people.begin(), people.end(), [](const json& a, const json& b) {
    return a["empNumber"].get<int>() < b["empNumber"].get<int>();
  });
  std::map<int, std::string> employee_id;
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (people[i]["empNumber"].get<int>() != static_cast<int>(i + 1))
      throw std::runtime_error("recorded empNumbers are not 1..n");
    employee_id[static_cast<int>(i + 1)] = people[i]["employeeId"].get<std::string>();
  }
  // The recorded /supervisors answers, by the empNumber they belong to.
  std::map<int, json> supervisors_of;
  for (const auto& entry : fs::directory_iterator(kRecorded)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("employee_supervisors_", 0) == 0 && !name.ends_with(".meta.json")) {
      json body = read_json(entry.path());
      supervisors_of[body["meta"]["empNumber"].get<int>()] = body["data"];
    }
  }
  for (std::size_t i = 0; i < people.size(); ++i) {
    const json& p = people[i];
    int number = static_cast<int>(i + 1);
    DemoPerson person{p["employeeId"], p["firstName"], p["lastName"], "", "", "", "", "", ""};
    const json& listed = p["supervisors"];
    if (listed.size() == 1) {
      person.manager_id = employee_id[listed[0]["empNumber"].get<int>()];
    } else if (listed.size() > 1) {
      if (!supervisors_of.contains(number))
        throw std::runtime_error("no recorded /supervisors for empNumber " +
                                 std::to_string(number) + ", which has several supervisors");
      for (const auto& s : supervisors_of[number]) {
        int sup = s["supervisor"]["empNumber"];
        std::string method = s["reportingMethod"]["name"];
        if (method == "Direct" && person.manager_id.empty())
          person.manager_id = employee_id[sup];
        else
          world.other_supervisors.emplace_back(number, sup, method);
      }
    }
    world.data.people.push_back(person);
  }
  json leave = read_json(kRecorded / "leave_requests_all_statuses.json")["data"];
  std::sort(leave.begin(), leave.end(),
            [](const json& a, const json& b) { return a["id"].get<int>() < b["id"].get<int>(); });
  static const std::map<int, std::string> status_names = {
      {-1, "rejected"}, {0, "cancelled"}, {1, "requested"}, {2, "scheduled"}, {3, "taken"}};
  for (std::size_t i = 0; i < leave.size(); ++i) {
    const json& l = leave[i];
    if (l["id"].get<int>() != static_cast<int>(i + 1))
      throw std::runtime_error("recorded leave request ids are not 1..n");
    std::string from = l["dates"]["fromDate"];
    std::string to =
        l["dates"]["toDate"].is_string() ? l["dates"]["toDate"].get<std::string>() : from;
    world.data.leave.push_back({std::to_string(i + 1), l["employee"]["employeeId"],
                                l["leaveType"]["name"], from, to, status_names.at(status_id(l)),
                                ""});
  }
  return world;
}

class RecordedContract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(fs::is_directory(kRecorded))
        << "the recorded OrangeHRM answers are missing: " << kRecorded
        << " (../shared/hosts/orangehrm/recorded beside the source tree)";
  }
  void SetUp() override {
    RecordedWorld world = recorded_world();
    fake_ = std::make_unique<FakeOrangeHrm>(world.data, "mentoring", "client-secret");
    for (const auto& [emp, sup, method] : world.other_supervisors)
      fake_->add_supervisor(emp, sup, method);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", fake_->port());
  }

  httplib::Result token(const httplib::Params& form) {
    return client_->Post("/web/index.php/oauth2/token", form);
  }
  // An access token as the recordings' admin user got it: authorization code, then token.
  std::string admin_token() {
    auto answer = token({{"grant_type", "authorization_code"},
                         {"client_id", "mentoring"},
                         {"client_secret", "client-secret"},
                         {"code", fake_->issue_authorization_code()}});
    if (!answer || answer->status != 200) throw std::runtime_error("no token from the fake");
    return json::parse(answer->body)["access_token"];
  }

  // Status, media type and shape of the fake's answer against one recording.
  void hold(const std::string& name, int real_status, const std::string& real_type,
            const std::string& real_body, const httplib::Result& answer) {
    ASSERT_TRUE(answer) << name << ": the fake did not answer";
    EXPECT_EQ(answer->status, real_status) << name << ": " << answer->body;
    std::string fake_type = answer->get_header_value("Content-Type");
    auto media = [](const std::string& t) {
      std::string m = t.substr(0, t.find(';'));
      std::transform(m.begin(), m.end(), m.begin(), ::tolower);
      return m;
    };
    EXPECT_EQ(media(fake_type), media(real_type)) << name;
    if (real_body.find_first_not_of(" \r\n\t") == std::string::npos) {
      EXPECT_EQ(answer->body, "") << name << ": OrangeHRM answers an empty body";
      return;
    }
    json real = json::parse(real_body);
    json fake = json::parse(answer->body, nullptr, false);
    ASSERT_FALSE(fake.is_discarded()) << name << ": not JSON: " << answer->body;
    std::vector<std::string> differences;
    compare(real, fake, "", differences);
    std::string all;
    for (const auto& d : differences) all += "\n  " + d;
    EXPECT_TRUE(differences.empty()) << name << ":" << all;
  }

  std::unique_ptr<FakeOrangeHrm> fake_;
  std::unique_ptr<httplib::Client> client_;
};

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_F(RecordedContract, EveryRecordedApiRequestIsAnsweredAlike) {
  std::string bearer = admin_token();
  // The ESS recordings were made signed in as the employee their own list names.
  int ess_emp = read_json(kRecorded / "ess_session_my_leave_requests.json")["meta"]["empNumber"];
  std::string ess = fake_->issue_ess_access_token(ess_emp);
  int held = 0;
  for (const auto& entry : fs::directory_iterator(kRecorded)) {
    std::string file = entry.path().filename().string();
    if (!file.ends_with(".meta.json")) continue;
    std::string name = file.substr(0, file.size() - std::string(".meta.json").size());
    json meta = read_json(entry.path());
    std::string url = meta["url"];
    auto at = url.find("/web/index.php/");
    ASSERT_NE(at, std::string::npos) << name << ": " << url;
    std::string target = url.substr(at);
    std::string auth = meta.value("auth", "bearer");
    httplib::Headers headers;
    if (auth == "bearer")
      headers.emplace("Authorization", "Bearer " + bearer);
    else if (auth == "bad bearer")
      headers.emplace("Authorization", "Bearer not-a-token-of-this-server");
    else if (auth == "ESS session cookie")
      headers.emplace("Authorization", "Bearer " + ess);
    else
      ASSERT_EQ(auth, "none") << name << ": credentials of an unknown kind";
    ASSERT_EQ(meta["method"], "GET") << name << ": only GETs are recorded with a meta file";
    const json& real_headers = meta["headers"];
    std::string real_type;
    for (const auto& [key, value] : real_headers.items()) {
      std::string lower = key;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower == "content-type") real_type = value;
    }
    hold(name + " (GET " + target + ")", meta["status"], real_type,
         slurp(kRecorded / (name + ".json")), client_->Get(target, headers));
    ++held;
  }
  EXPECT_GE(held, 39) << "every recorded request with its meta file";
}

// The token endpoint's answers are recorded without a meta file (INDEX.md
// gives method, grant and status).
TEST_F(RecordedContract, TokenEndpointAnswersAlike) {
  auto code = token({{"grant_type", "authorization_code"},
                     {"client_id", "mentoring"},
                     {"client_secret", "client-secret"},
                     {"code", fake_->issue_authorization_code()}});
  json real = read_json(kRecorded / "oauth_token_response.json");
  // "obtained_at" is the recorder's note beside the tokens it truncated, not OrangeHRM's.
  real.erase("obtained_at");
  hold("oauth_token_response (authorization_code)", 200, "application/json", real.dump(), code);

  auto password = token({{"grant_type", "password"},
                         {"client_id", "mentoring"},
                         {"client_secret", "client-secret"},
                         {"username", "api"},
                         {"password", "api-password"}});
  hold("err_token_bad_grant (password)", 400, "application/json",
       slurp(kRecorded / "err_token_bad_grant.json"), password);

  auto unreadable = token({{"grant_type", "refresh_token"},
                           {"client_id", "mentoring"},
                           {"client_secret", "client-secret"},
                           {"refresh_token", "def502008961-not-a-token"}});
  hold("err_token_bad_refresh (refresh_token)", 500, "application/json",
       slurp(kRecorded / "err_token_bad_refresh.json"), unreadable);
}

TEST_F(RecordedContract, ShapeComparisonCatchesADriftedFake) {
  // The comparison itself: a string status where OrangeHRM gives a number, a
  // key too many, a missing key, no items where OrangeHRM gives some.
  std::vector<std::string> differences;
  compare(json::parse(R"({"error":{"status":401,"message":"x"}})"),
          json::parse(R"({"error":{"status":"401","message":"x"}})"), "", differences);
  compare(json::parse(R"({"data":[{"a":1}],"meta":{"total":1},"rels":[]})"),
          json::parse(R"({"data":[{"a":1,"b":2}],"meta":{},"rels":[]})"), "", differences);
  compare(json::parse(R"({"data":[{"a":1}]})"), json::parse(R"({"data":[]})"), "", differences);
  EXPECT_EQ(differences.size(), 4u);
  differences.clear();
  compare(json::parse(R"({"data":[{"a":null,"b":[1]},{"a":{"x":1},"b":[]}]})"),
          json::parse(R"({"data":[{"a":{"x":2},"b":[]}]})"), "", differences);
  EXPECT_TRUE(differences.empty()) << differences.front();
}

// The adapter on the recorded organisation: Ada Lovelace (E020, empNumber 21)
// is listed with supervisors [Turing (3), Knuth (6)]; /supervisors says Knuth
// is Direct and Turing Indirect.
TEST_F(RecordedContract, AdapterReadsTheRecordedOrganisationsLineManagersAndLeave) {
  mentoring::conformance::TestHost host;
  fake_->allow_grants({"authorization_code", "refresh_token"});
  std::string refresh_token = fake_->issue_refresh_token();
  json config = {{"organisation", "recorded"},
                 {"name", "hr"},
                 {"base_dir", "/tmp"},
                 {"settings",
                  {{"base_url", fake_->base_url()},
                   {"client_id", "mentoring"},
                   {"rate_limit", {{"per_second", 10000}, {"burst", 10000}}},
                   {"people", {{"page_size", 50}, {"job_details", false}}},
                   {"leave",
                    {{"from", "2026-01-01"},
                     {"leave_types",
                      {{"Maternity", "maternity"},
                       {"Paternity", "paternity"},
                       {"Adoption", "adoption"},
                       {"Carer", "carers"},
                       {"Annual", nullptr},
                       {"Bereavement", nullptr}}}}}}}};
  mentoring::adapters::orangehrm::OrangeHrmAdapter adapter(
      config.dump(), mentoring::adapters::orangehrm::Services{
                         [&host](const std::string& r) { return host.http(r); },
                         [&](const std::string& name) -> std::optional<std::string> {
                           if (name == "ORANGEHRM_CLIENT_SECRET") return "client-secret";
                           if (name == "ORANGEHRM_REFRESH_TOKEN") return refresh_token;
                           return std::nullopt;
                         },
                         [] { return mentoring::conformance::TestHost::kNowMs; },
                         [](std::string_view) {},
                         [] { return std::string(); },
                         {}});
  json people = json::parse(adapter.call("pull", R"({"stream":"people","cursor":null})"));
  ASSERT_TRUE(people["problems"].empty()) << people.dump(1);
  std::map<std::string, json> by_employee_id;
  for (const auto& p : people["records"]) by_employee_id[p["employee_number"]] = p;
  ASSERT_TRUE(by_employee_id.contains("E020")) << people.dump(1);
  const json& ada = by_employee_id["E020"];
  EXPECT_EQ(ada["id"], "21");
  EXPECT_EQ(ada["manager_id"], "6") << ada.dump();
  EXPECT_EQ(ada["indirect_manager_ids"], json::array({"3"})) << ada.dump();
  EXPECT_TRUE(by_employee_id["E001"]["manager_id"].is_null()) << "E001 has no supervisor";

  json leave = json::parse(adapter.call("pull", R"({"stream":"leave","cursor":null})"));
  ASSERT_TRUE(leave["problems"].empty()) << leave.dump(1);
  std::map<std::string, json> by_id;
  for (const auto& l : leave["records"]) by_id[l["id"]] = l;
  // Recorded: 1 Annual pending (skipped), 5 Maternity scheduled, 10 Carer cancelled one day,
  // 8 Carer rejected, 3 Paternity pending.
  EXPECT_FALSE(by_id.contains("1")) << "Annual is skipped by mapping";
  EXPECT_EQ(by_id["5"]["status"], "approved");
  EXPECT_EQ(by_id["5"]["start"], "2027-01-04");
  EXPECT_EQ(by_id["5"]["expected_end"], "2027-01-15");
  EXPECT_EQ(by_id["10"]["status"], "cancelled");
  EXPECT_EQ(by_id["10"]["expected_end"], "2026-12-29") << "a one-day request has no toDate";
  EXPECT_EQ(by_id["8"]["status"], "denied");
  EXPECT_EQ(by_id["3"]["status"], "requested");
}
