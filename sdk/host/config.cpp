#include <mentoring/host/config.hpp>

#include <mentoring/schema.hpp>

#include <chrono>
#include <cstdio>
#include <set>

namespace mentoring::host {

namespace fs = std::filesystem;
using schema::Problem;
using schema::ValidationError;

namespace {

fs::path resolve(const fs::path& base, const std::string& relative) {
  return fs::weakly_canonical(base / relative);
}

// The schema checks the shape (YYYY-MM-DD); this, that the day exists.
bool is_calendar_date(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) return false;
  return std::chrono::year_month_day(std::chrono::year{y}, std::chrono::month{m},
                                     std::chrono::day{d})
      .ok();
}

nlohmann::json read_valid(const fs::path& file, std::string_view schema_name) {
  auto doc = schema::parse_file(file.string());
  schema::require_valid(schema_name, doc, file.string());
  return doc;
}

OrganisationConfig load_organisation(const fs::path& file) {
  auto doc = read_valid(file, "org-config");
  OrganisationConfig org;
  org.file = file;
  org.base_dir = file.parent_path();
  org.id = doc["id"].get<std::string>();
  org.name = doc["name"].get<std::string>();
  org.modules = doc["modules"];
  org.policy = doc.value("policy", nlohmann::json::object());
  org.routing = doc.value("routing", nlohmann::json::object());
  org.schedule = doc.value("schedule", nlohmann::json::object());
  org.programmes = nlohmann::json::array();
  std::set<std::string> programme_ids;
  for (std::size_t i = 0; i < doc["programmes"].size(); ++i) {
    fs::path programme_file = resolve(org.base_dir, doc["programmes"][i].get<std::string>());
    if (!fs::exists(programme_file)) {
      throw ValidationError({{file.string(), "/programmes/" + std::to_string(i),
                              "\"" + programme_file.string() + "\" (no such file)",
                              "the path of a programme definition, relative to this file"}});
    }
    auto programme = read_valid(programme_file, "programme");
    if (!programme_ids.insert(programme["id"].get<std::string>()).second) {
      throw ValidationError({{file.string(), "/programmes/" + std::to_string(i),
                              "a second programme with id " + programme["id"].dump(),
                              "programme ids unique within an organisation"}});
    }
    org.programmes.push_back(std::move(programme));
  }
  std::set<std::string> adapter_names;
  for (std::size_t i = 0; i < doc["adapters"].size(); ++i) {
    const auto& a = doc["adapters"][i];
    AdapterConfig adapter{a["name"].get<std::string>(), a["module"].get<std::string>(),
                          a["settings"]};
    if (!adapter_names.insert(adapter.name).second) {
      throw ValidationError({{file.string(), "/adapters/" + std::to_string(i) + "/name",
                              "a second adapter named \"" + adapter.name + "\"",
                              "adapter names unique within an organisation"}});
    }
    org.adapters.push_back(std::move(adapter));
  }
  return org;
}

}  // namespace

HostConfig load_config(const fs::path& host_config_file) {
  fs::path file = fs::absolute(host_config_file);
  if (!fs::exists(file)) {
    throw ValidationError({{host_config_file.string(), "", "no such file", "a host config file"}});
  }
  auto doc = read_valid(file, "host-config");
  HostConfig config;
  config.file = file;
  fs::path base = file.parent_path();
  config.state_dir = resolve(base, doc.value("state_dir", std::string("state")));
  if (doc.contains("modules_dir"))
    config.modules_dir = resolve(base, doc["modules_dir"].get<std::string>());
  config.plugin = doc.value("plugin", std::string("mentoring"));
  if (doc.contains("today")) {
    config.today = doc["today"].get<std::string>();
    if (!is_calendar_date(*config.today)) {
      throw ValidationError({{file.string(), "/today", "\"" + *config.today + "\" (no such day)",
                              "a real calendar date, YYYY-MM-DD (the test clock)"}});
    }
  }
  if (doc.contains("secrets_file"))
    config.secrets_file = resolve(base, doc["secrets_file"].get<std::string>());
  config.log_level = doc.value("log_level", std::string("info"));
  config.lock_wait_seconds = doc.value("lock_wait_seconds", config.lock_wait_seconds);
  config.serve = doc.value("serve", nlohmann::json::object());
  if (doc.contains("store")) {
    const auto& store = doc["store"];
    if (store["kind"] == "postgres") {
      config.store.kind = StoreConfig::Kind::postgres;
      config.store.url_secret = store["url_secret"].get<std::string>();
    } else if (store.contains("url_secret")) {
      // A URL secret beside kind sqlite: most likely a half-done switch to PostgreSQL.
      throw ValidationError({{file.string(), "/store/url_secret",
                              store["url_secret"].dump() + " with kind \"sqlite\"",
                              "url_secret only with kind \"postgres\" (the SQLite store needs "
                              "no URL)"}});
    }
  }

  std::set<std::string> ids;
  const auto& orgs = doc["organisations"];
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    fs::path org_file = resolve(base, orgs[i].get<std::string>());
    if (!fs::exists(org_file)) {
      throw ValidationError({{file.string(), "/organisations/" + std::to_string(i),
                              "\"" + org_file.string() + "\" (no such file)",
                              "the path of an organisation config, relative to this file"}});
    }
    auto org = load_organisation(org_file);
    if (!ids.insert(org.id).second) {
      throw ValidationError({{org_file.string(), "/id", "\"" + org.id + "\", already used",
                              "an organisation id unique within this host"}});
    }
    config.organisations.push_back(std::move(org));
  }
  return config;
}

}  // namespace mentoring::host
