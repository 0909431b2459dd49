// mentoring-host: the reference host's command line. See the README for the
// exit codes (mentoring::host::ExitCode).
#include <mentoring/host/config.hpp>
#include <mentoring/host/runtime.hpp>
#include <mentoring/loader.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/serve/serve.hpp>
#include <mentoring/serve/settings.hpp>

#include "store_command.hpp"
#include "terminal_text.hpp"
#include "token_command.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace mentoring::host;

namespace {

// bin/mentoring-host -> lib/mentoring/modules: the build tree and an installed tree alike.
fs::path default_modules_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "lib/mentoring/modules";
  return exe.parent_path().parent_path() / "lib" / "mentoring" / "modules";
}

// Pads to a width in characters (UTF-8 continuation bytes do not count).
std::string pad(std::string text, std::size_t width) {
  std::size_t characters = 0;
  for (unsigned char c : text) characters += (c & 0xC0) != 0x80;
  if (characters < width) text.append(width - characters, ' ');
  return text;
}

void print_check(const std::vector<CheckRow>& rows) {
  std::size_t w_org = 12, w_component = 9, w_check = 5;
  for (const auto& r : rows) {
    w_org = std::max(w_org, r.organisation.size());
    w_component = std::max(w_component, r.component.size());
    w_check = std::max(w_check, r.check.size());
  }
  std::cout << pad("organisation", w_org) << "  " << pad("component", w_component) << "  "
            << pad("check", w_check) << "  result  detail\n";
  for (const auto& r : rows) {
    std::cout << pad(r.organisation.empty() ? "-" : r.organisation, w_org) << "  "
              << pad(r.component, w_component) << "  " << pad(r.check, w_check) << "  "
              << (r.ok ? "ok    " : "FAIL  ") << "  " << r.detail << "\n";
  }
}

void print_problems(const json& problems, const char* indent) {
  for (const auto& p : problems) {
    std::cout << indent << (p.contains("message") ? p["message"].get<std::string>() : p.dump())
              << "\n";
  }
}

void print_summary(const json& org) {
  std::cout << org.value("name", "?") << " (" << org.value("organisation", "?") << ")";
  if (org.contains("today")) std::cout << ", today " << org["today"].get<std::string>();
  std::cout << "\n";
  if (org.contains("error")) {
    std::cout << "  " << (org.value("busy", false) ? "BUSY" : "ERROR") << ": "
              << org["error"].get<std::string>() << "\n";
  }
  if (org.contains("lock")) {
    char waited[32];
    std::snprintf(waited, sizeof waited, "%.1f", org["lock"].value("waited_seconds", 0.0));
    std::cout << "  lock        waited " << waited << " s for another mentoring-host ("
              << org["lock"].value("waited_for", "") << ") to finish with this organisation\n";
  }
  for (const auto& e : org.value("adapter_errors", json::array())) {
    std::cout << "  adapter " << e.value("adapter", "?") << " FAILED: " << e.value("error", "")
              << "\n";
  }
  for (const auto& s : org.value("sync", json::array())) {
    std::string label = s.value("adapter", "?") + "/" + s.value("stream", "?");
    std::string status = s.value("status", "?");
    std::cout << "  sync        " << pad(label, 32);
    if (status == "read") {
      // What became of what was read: only what changed is "stored".
      std::cout << s.value("read", 0) << " read: " << s.value("stored", 0) << " stored";
      if (s.value("unchanged", 0) > 0) std::cout << ", " << s.value("unchanged", 0) << " unchanged";
      if (s.value("older", 0) > 0)
        std::cout << ", " << s.value("older", 0) << " ignored (older than the stored version)";
      if (s.value("quarantined", 0) > 0)
        std::cout << ", " << s.value("quarantined", 0) << " QUARANTINED (the rest stored)";
      if (s.value("released", 0) > 0)
        std::cout << ", " << s.value("released", 0) << " out of quarantine";
      if (s.value("skipped", 0) > 0)
        std::cout << ", " << s.value("skipped", 0) << " skipped by mapping";
      if (s.contains("absent")) {
        std::cout << "; no longer in the HR records (a full read no longer lists them): ";
        std::string separator;
        for (const auto& id : s["absent"])
          std::cout << std::exchange(separator, ", ") << id.get<std::string>();
      }
    } else if (status == "unchanged") {
      std::cout << "unchanged since last run";
    } else if (status == "rejected") {
      std::cout << "REJECTED (nothing stored, cursor kept):";
    } else if (status == "failed") {
      std::cout << "FAILED: " << s.value("error", "");
    } else {
      std::cout << status;
    }
    std::cout << "\n";
    print_problems(s.value("problems", json::array()), "              ");
  }
  if (org.value("quarantine_held", 0) > 0) {
    std::cout << "  quarantine  " << org.value("quarantine_held", 0)
              << " host record(s) held, not stored (" << org.value("quarantined", 0)
              << " this run): `mentoring-host check` or the quarantine command lists them; each "
                 "leaves when the host sends it again and it passes\n";
  }
  const json modules = org.value("modules", json::object());
  // The plugin skipped its passes (nothing they read changed since a run today that left
  // nothing to do): one line for them all.
  std::string unchanged_since;
  bool all_unchanged = false;
  for (const auto& [name, m] : modules.items()) {
    if (!m.value("enabled", false)) continue;
    all_unchanged = m.value("status", "") == "unchanged";
    if (!all_unchanged) break;
    unchanged_since = m.value("since", "");
  }
  if (all_unchanged) {
    // "2026-12-07T12:34:56Z": the time of day is what tells the run apart.
    const std::string at =
        unchanged_since.size() >= 19 ? unchanged_since.substr(11, 8) + " UTC" : unchanged_since;
    std::cout << "  modules     nothing changed since the run at " << at
              << " today: passes skipped\n";
  }
  for (const char* name :
       {"enrolment", "training", "pairing", "supervision", "return_to_work", "evaluation"}) {
    if (!modules.contains(name) || all_unchanged) continue;
    const json& m = modules[name];
    // The module's name, then at least one space: return_to_work is longer than the column.
    const std::string label = pad(std::string(name) + " ", 12);
    if (!m.value("enabled", false)) {
      std::cout << "  " << label << "off\n";
      continue;
    }
    if (m.value("status", "") == "failed") {
      std::cout << "  " << label << "FAILED (the other modules ran): " << m.value("error", "")
                << "\n";
      continue;
    }
    if (m.value("status", "") != "ran") {
      std::cout << "  " << label << "on, " << m.value("status", "") << "\n";
      continue;
    }
    if (std::string(name) == "enrolment") {
      const auto created = m.value("invited", json::array());
      const auto withdrawn = m.value("withdrawn", json::array());
      std::cout << "  enrolment   " << created.size() << " invitation(s) created, "
                << withdrawn.size() << " withdrawn, " << m.value("open_invitations", 0)
                << " open in total\n";
      for (const auto& i : created) {
        std::cout << "              invited   " << pad(i.value("person_id", ""), 8) << " "
                  << pad(i.value("name", ""), 26) << " " << pad(i.value("leave_type", ""), 10)
                  << " leave from " << i.value("leave_start", "") << "  ("
                  << i.value("programme", "") << ")\n";
      }
      const json by_programme = m.value("states", json::object());
      for (const auto& [programme, states] : by_programme.items()) {
        std::string line;
        for (const auto& [state, count] : states.items()) {
          std::string words = state;
          std::replace(words.begin(), words.end(), '_', ' ');
          line += (line.empty() ? "" : ", ") + std::to_string(count.get<int>()) + " " + words;
        }
        if (line.empty()) line = "no enrolments yet";
        std::cout << "              " << programme << ": " << line << "\n";
      }
      for (const auto& q : m.value("questions_for_programme_manager", json::array())) {
        std::cout << "              question  " << q.value("person_id", "") << ": "
                  << q.value("question", "") << "\n";
      }
      for (const auto& i : withdrawn) {
        std::cout << "              withdrawn " << pad(i.value("person_id", ""), 8) << " "
                  << pad(i.value("name", ""), 26) << " " << i.value("reason", "") << "\n";
      }
    } else if (std::string(name) == "training") {
      std::cout << "  training    " << m.value("complete", 0) << " trained, "
                << m.value("blocked", 0) << " blocked on training, "
                << m.value("enrol_in_course", 0) << " course enrolment(s) asked, "
                << m.value("reminders", 0) << " reminder(s)";
      std::size_t ready = m.value("ready_for_pairing", json::array()).size();
      if (ready > 0) std::cout << ", " << ready << " ready for pairing";
      std::cout << "\n";
      print_problems(m.value("problems", json::array()), "              ");
    } else if (std::string(name) == "supervision") {
      const json programmes = m.value("programmes", json::object());
      for (const auto& [programme, p] : programmes.items()) {
        const json pairs = p.value("pair_sessions", json::object());
        std::cout << "  supervision " << programme << ": " << p.value("groups", 0) << " group(s), "
                  << p.value("sessions", 0) << " session(s), " << p.value("invites", 0)
                  << " invite(s), " << p.value("missed_flags", 0)
                  << " missed-twice flag(s); pairs: " << pairs.value("invites", 0) << " invite(s), "
                  << pairs.value("reminders", 0) << " reminder(s), "
                  << pairs.value("manager_flags", 0) << " flag(s) to the manager\n";
      }
    } else if (std::string(name) == "pairing") {
      const json programmes = m.value("programmes", json::object());
      for (const auto& [programme, p] : programmes.items()) {
        const json proposed = p.value("proposed", json::array());
        const json discarded = p.value("discarded", json::array());
        std::cout << "  pairing     " << programme << ": " << proposed.size()
                  << " new proposal(s) for HR, " << p.value("kept", 0) << " kept, "
                  << discarded.size() << " discarded, " << p.value("unmatched", 0)
                  << " mentee(s) without a proposal\n";
        for (const auto& pair : proposed) {
          char score[32];
          std::snprintf(score, sizeof score, "%.2f", pair.value("score", 0.0));
          std::cout << "              proposed  " << pad(pair.value("mentee_id", ""), 8)
                    << " with mentor " << pad(pair.value("mentor_id", ""), 8) << " score " << score
                    << "\n";
        }
        for (const auto& pair : discarded) {
          std::cout << "              discarded " << pad(pair.value("mentee_id", ""), 8)
                    << " with mentor " << pad(pair.value("mentor_id", ""), 8) << " "
                    << pair.value("why", "") << "\n";
        }
        for (const auto& note : p.value("notes", json::array())) {
          std::cout << "              note      "
                    << (note.is_string() ? note.get<std::string>() : note.dump()) << "\n";
        }
      }
    } else if (std::string(name) == "return_to_work") {
      const json kit = m.value("keeping_in_touch_days", json::object());
      if (!kit.empty()) {
        std::cout << "  return_to_work keeping-in-touch days from the HR system: "
                  << kit.value("recorded", 0) << " counted, " << kit.value("duplicates", 0)
                  << " already recorded, " << kit.value("mentors_prompted", 0)
                  << " mentor prompt(s), " << kit.value("warned", 0) << " warning(s), "
                  << kit.value("refused", 0) << " refused\n";
        for (const auto& d : kit.value("refused_days", json::array())) {
          std::cout << "              refused   " << d.value("message", "") << "\n";
        }
      }
      const json programmes = m.value("programmes", json::object());
      for (const auto& [programme, p] : programmes.items()) {
        std::cout << "  return_to_work " << programme << ": " << p.value("tasks_sent", 0)
                  << " return step task(s) sent, " << p.value("tasks_moved", 0) << " moved, "
                  << p.value("tasks_withdrawn", 0) << " withdrawn, " << p.value("overdue", 0)
                  << " overdue\n";
      }
    } else if (std::string(name) == "evaluation") {
      const json programmes = m.value("programmes", json::object());
      for (const auto& [programme, p] : programmes.items()) {
        std::cout << "  evaluation  " << programme << ": " << p.value("issued", 0)
                  << " survey invitation(s) sent, " << p.value("surveys", 0)
                  << " survey(s) defined\n";
      }
    } else {
      std::cout << "  " << label << m.dump() << "\n";
    }
  }
  if (org.contains("actions")) {
    const auto& a = org["actions"];
    std::cout << "  actions     " << a.value("delivered", 0) << " written back, "
              << a.value("duplicates", 0) << " already there, " << a.value("failed", 0)
              << " failed, " << a.value("retrying", 0) << " waiting to be tried again, "
              << a.value("dead_letters", 0) << " dead letter(s), " << a.value("pending", 0)
              << " pending\n";
    print_problems(a.value("errors", json::array()), "              ");
  }
}

// What each `check` row that failed means for the exit code.
int check_exit_code(const std::vector<CheckRow>& rows) {
  int code = kExitOk;
  for (const auto& r : rows) {
    if (r.ok) continue;
    if (r.component.rfind("module", 0) == 0) return kExitModuleLoad;  // nothing else could run
    if (r.component == "state folder") {
      code = worse_exit_code(code, kExitConfig);
    } else if (r.component == "lock") {
      code = worse_exit_code(code, kExitBusy);
    } else if (r.component == "plugin" && r.check == "quarantine") {
      // Quarantined host records: data to fix in the host, not a broken component.
      code = worse_exit_code(code, kExitDataRejected);
    } else {
      code = worse_exit_code(code, kExitAdapter);
    }
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything printed below passes through these: host text never drives the terminal.
  mentoring::cli::TerminalSafeStream safe_out(std::cout), safe_err(std::cerr);
  if (!spdlog::get("mentoring")) {
    auto logger = std::make_shared<spdlog::logger>(
        "mentoring", std::make_shared<mentoring::cli::TerminalSafeLogSink>());
    logger->set_pattern("%^[%l]%$ %v");
    spdlog::register_logger(logger);
  }
  CLI::App app{"mentoring-host: runs the mentoring plugin and its adapters for each organisation"};
  app.require_subcommand(1);
  std::string config_file;
  std::string modules_dir;
  bool as_json = false;
  std::string only_org;
  std::vector<std::string> module_files;
  std::string command_name, command_input = "{}";
  double lock_wait = -1;  // unset: the host config's lock_wait_seconds
  const char* lock_wait_help =
      "seconds to wait for another run or command holding an organisation "
      "(overrides lock_wait_seconds; 0 tries once)";

  auto* check =
      app.add_subcommand("check", "validate config, load every module, check every adapter");
  check->add_option("--config,-c", config_file, "host config file")->required();
  check->add_option("--modules-dir", modules_dir, "where modules are found");
  check->add_option("--lock-wait", lock_wait, lock_wait_help)->check(CLI::Range(0.0, 86400.0));

  auto* run = app.add_subcommand("run", "one cycle for every organisation; prints what it did");
  run->add_option("--config,-c", config_file, "host config file")->required();
  run->add_option("--modules-dir", modules_dir, "where modules are found");
  run->add_option("--org", only_org, "run only this organisation");
  run->add_flag("--json", as_json, "print the summary as JSON");
  run->add_option("--lock-wait", lock_wait, lock_wait_help)->check(CLI::Range(0.0, 86400.0));

  auto* modules = app.add_subcommand("modules", "list modules with versions and capabilities");
  modules->add_option("--config,-c", config_file, "list the modules this config uses");
  modules->add_option("--modules-dir", modules_dir, "where modules are found");
  modules->add_option("--module", module_files, "load this module file (repeatable)");
  modules->add_flag("--json", as_json, "print as JSON");

  auto* command =
      app.add_subcommand("command", "send one JSON command to an organisation's plugin");
  command->add_option("--config,-c", config_file, "host config file")->required();
  command->add_option("--modules-dir", modules_dir, "where modules are found");
  command->add_option("--org", only_org, "organisation id")->required();
  command->add_option("name", command_name, "command name")->required();
  command->add_option("--input", command_input, "command input as JSON");
  command->add_option("--lock-wait", lock_wait, lock_wait_help)->check(CLI::Range(0.0, 86400.0));

  mentoring::cli::TokenCommand token;
  mentoring::cli::add_token_command(app, token, config_file);

  mentoring::cli::StoreCommand store;
  mentoring::cli::add_store_command(app, store, config_file);

  auto* serve = app.add_subcommand(
      "serve", "run every organisation's cycle on its schedule and serve the HTTP API");
  serve->add_option("--config,-c", config_file, "host config file")->required();
  serve->add_option("--modules-dir", modules_dir, "where modules are found");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  // Every failure below ends here: on stderr, and for `run --json` also as the
  // JSON a machine reads, whose exit_code is the process's.
  auto fail = [&](int code, const std::string& message) {
    std::cerr << "mentoring-host: " << message << "\n";
    if (*run && as_json) {
      std::cout
          << json{{"organisations", json::array()}, {"error", message}, {"exit_code", code}}.dump(2)
          << "\n";
    }
    return code;
  };

  fs::path default_dir = modules_dir.empty() ? default_modules_dir() : fs::path(modules_dir);
  try {
    if (*modules && config_file.empty()) {
      std::vector<fs::path> files(module_files.begin(), module_files.end());
      if (files.empty() && fs::is_directory(default_dir)) {
        for (const auto& entry : fs::directory_iterator(default_dir)) {
          if (entry.path().extension() == ".so") files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
      }
      json list = json::array();
      for (const auto& f : files) {
        auto lib = ModuleLibrary::load(f);
        list.push_back({{"name", lib->name()},
                        {"kind", to_string(lib->kind())},
                        {"version", lib->version()},
                        {"abi", lib->abi_version()},
                        {"path", lib->path().string()},
                        {"capabilities", lib->capabilities()}});
      }
      if (as_json) {
        std::cout << list.dump(2) << "\n";
      } else {
        for (const auto& m : list) {
          std::cout << pad(m["name"], 12) << pad(m["kind"], 9) << pad(m["version"], 8) << "ABI "
                    << pad(m["abi"], 7) << m["capabilities"].dump() << "  "
                    << m["path"].get<std::string>() << "\n";
        }
      }
      return kExitOk;
    }

    HostConfig config = load_config(config_file);
    if (!modules_dir.empty()) config.modules_dir = fs::absolute(modules_dir);  // beats the config
    if (lock_wait >= 0) config.lock_wait_seconds = lock_wait;                  // so does this
    if (*token.token) return mentoring::cli::run_token_command(token, config);
    if (*store.store) return mentoring::cli::run_store_command(store, config);
    if (config.store.kind == StoreConfig::Kind::postgres &&
        (*run || *serve || *check || *command)) {
      // Not pretended: the cycle, the commands and the checks still read and write the SQLite
      // files under state_dir.
      return fail(kExitConfig,
                  "invalid configuration:\n" + config.file.string() +
                      ": /store/kind: found \"postgres\", which run, serve, check and command "
                      "do not use yet (PostgreSQL is only used by `mentoring-host store "
                      "export|import` so far); expected \"sqlite\", or no store, to run");
    }
    if (*serve) {
      try {
        return mentoring::serve::serve(std::move(config), default_dir);
      } catch (const mentoring::serve::SettingsError& e) {
        return fail(kExitConfig, std::string("invalid configuration:\n") + e.what());
      }
    }
    Runtime runtime(std::move(config), default_dir);

    if (*modules) {
      for (const auto& m : runtime.load_modules()) {
        std::cout << pad(m.name, 12) << pad(m.kind, 9) << pad(m.version, 8) << "ABI "
                  << pad(m.abi, 7) << json(m.capabilities).dump() << "  " << m.path << "\n";
      }
      return kExitOk;
    }
    if (*check) {
      auto rows = runtime.check();
      print_check(rows);
      return check_exit_code(rows);
    }
    if (*run) {
      json result = runtime.run(only_org.empty() ? std::nullopt : std::optional(only_org));
      if (as_json) {
        std::cout << result.dump(2) << "\n";
      } else {
        if (result.contains("error"))
          std::cerr << "mentoring-host: " << result["error"].get<std::string>() << "\n";
        for (const auto& org : result["organisations"]) print_summary(org);
      }
      return result["exit_code"].get<int>();
    }
    if (*command) {
      json input;
      try {
        input = mentoring::schema::parse(command_input, "--input");
      } catch (const mentoring::schema::ValidationError& e) {
        // The command line, not a config file: bad input, naming line and column.
        return fail(kExitUsage, std::string("bad input (not valid JSON): ") + e.what());
      }
      json answer = runtime.command(only_org, command_name, input);
      std::cout << answer.dump(2) << "\n";
      return kExitOk;
    }
  } catch (const mentoring::schema::ValidationError& e) {
    return fail(kExitConfig, std::string("invalid configuration:\n") + e.what());
  } catch (const LoadError& e) {
    return fail(kExitModuleLoad, e.what());
  } catch (const CallError& e) {
    if (e.status() == MENTORING_ERR_UNKNOWN_COMMAND) return fail(kExitUsage, e.what());
    return fail(e.status() == MENTORING_ERR_INVALID_INPUT ? kExitConfig : kExitInternal, e.what());
  } catch (const StateFolderError& e) {
    return fail(kExitConfig, e.what());
  } catch (const BusyError& e) {
    return fail(kExitBusy, e.what());
  } catch (const std::invalid_argument& e) {
    return fail(kExitUsage, e.what());
  } catch (const PermissionError& e) {
    return fail(kExitUsage, e.what());
  } catch (const NotFoundError& e) {
    return fail(kExitUsage, e.what());
  } catch (const std::exception& e) {
    return fail(kExitInternal, e.what());
  }
  return kExitUsage;
}
