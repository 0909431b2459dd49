#include <mentoring/serve/serve.hpp>

#include <mentoring/host/access_tokens.hpp>
#include <mentoring/host/permissions.hpp>
#include <mentoring/host/runtime.hpp>
#include <mentoring/serve/metrics.hpp>
#include <mentoring/serve/scheduler.hpp>
#include <mentoring/serve/server.hpp>

#include "secrets.hpp"            // sdk/host: a webhook's key
#include "webhooks/webhooks.hpp"  // sdk/serve/webhooks: BambooHR's signature

#include <spdlog/spdlog.h>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <atomic>
#include <iostream>
#include <thread>

namespace mentoring::serve {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// How long an HTTP command waits for a cycle or command in hand of its
// organisation (inside this process, then another process's lock) before 503.
constexpr double kCommandWaitSeconds = 5;

// Whether a cycle did its work: it ran through, perhaps with host records
// rejected (6: HR fixes them) or write-backs waiting (7: retried on their own).
// Anything else (an adapter not reached, a module's pass failed, busy, config,
// internal) is a failed cycle: logged, counted, tried again at the next slot.
bool cycle_completed(const json& summary, int exit_code) {
  if (!summary.is_object() || summary.contains("error")) return false;
  return exit_code == host::kExitOk || exit_code == host::kExitDataRejected ||
         exit_code == host::kExitActionsFailed;
}

const host::OrganisationConfig* find_organisation(const host::HostConfig& config,
                                                  const std::string& id) {
  for (const auto& org : config.organisations) {
    if (org.id == id) return &org;
  }
  return nullptr;
}

}  // namespace

int serve(host::HostConfig config, const fs::path& default_modules_dir) {
  auto logger = spdlog::get("mentoring");
  const ServeSettings settings = ServeSettings::from_config(config);

  // Signals are taken by sigwait below only: blocked before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::vector<std::string> ids;
  std::vector<std::pair<std::string, Schedule>> schedules;
  for (const auto& org : config.organisations) {
    ids.push_back(org.id);
    schedules.emplace_back(org.id, Schedule::from_config(org));
  }
  host::AccessTokens tokens(config.state_dir);
  host::Secrets secrets(config.secrets_file);
  const host::HostConfig webhook_config = config;
  webhooks::ReplayCache seen_webhooks;
  // Cycles wait for another process's run as long as the config says;
  // commands, answering a person, wait briefly and answer 503.
  host::HostConfig command_config = config;
  command_config.lock_wait_seconds = std::min(config.lock_wait_seconds, kCommandWaitSeconds);
  host::Runtime cycles(std::move(config), default_modules_dir);
  host::Runtime commands(std::move(command_config), default_modules_dir);
  // Loaded once here: afterwards the runtimes only look modules up (thread-safe).
  cycles.load_modules();
  commands.load_modules();
  // Commands reuse an opened organisation (its lock taken only while one runs);
  // a cycle opens its organisation anew, so each cycle starts from the config
  // as loaded and warns of what open() warns of (TLS verification off).
  commands.keep_open(settings.open_organisations);

  Metrics metrics(ids);
  OrganisationGates gates(ids);
  std::atomic<bool> stopping = false;

  // One cycle of one organisation, its gate held by the caller: counted and logged.
  auto cycle = [&](const std::string& org) -> std::pair<json, int> {
    const auto started = std::chrono::steady_clock::now();
    logger->info("[{}] serve: cycle started", org);
    json result = cycles.run(org);
    json summary = result.contains("organisations") && !result["organisations"].empty()
                       ? result["organisations"][0]
                       : json::object();
    const int code = result.value("exit_code", int(host::kExitInternal));
    const bool ok = cycle_completed(summary, code);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics.cycle(org, summary, ok, took.count());
    std::string detail = "exit code " + std::to_string(code);
    if (summary.contains("error") && summary["error"].is_string())
      detail += ": " + summary["error"].get<std::string>();
    if (ok) {
      logger->info("[{}] serve: cycle done in {:.1f} s ({})", org, took.count(), detail);
    } else {
      logger->warn("[{}] serve: cycle FAILED after {:.1f} s ({}); tried again at the next slot",
                   org, took.count(), detail);
    }
    return {summary, code};
  };
  auto scheduled_cycle = [&](const std::string& org) -> CycleOutcome {
    auto [summary, code] = cycle(org);
    return {cycle_completed(summary, code), "exit code " + std::to_string(code)};
  };

  SystemClock clock;
  Scheduler scheduler(clock, schedules, gates, scheduled_cycle, settings.cycle_threads);

  // One writer per organisation: a command waits briefly for the cycle or command in hand.
  auto with_gate = [&](const std::string& org, auto&& work) -> json {
    std::timed_mutex* gate = gates.gate(org);
    if (!gate) throw std::invalid_argument("no organisation with id \"" + org + "\"");
    std::unique_lock lock(*gate, std::defer_lock);
    if (!lock.try_lock_for(std::chrono::duration<double>(kCommandWaitSeconds))) {
      throw host::BusyError("organisation " + org +
                            " is busy with a cycle or another command; try again shortly");
    }
    return work();
  };

  ApiHandlers handlers;
  handlers.authenticate = [&](std::string_view bearer) { return tokens.authenticate(bearer); };
  handlers.ready = [&] { return !stopping.load(); };
  handlers.command = [&](const host::Caller& caller, const std::string& command,
                         const json& input) -> json {
    const std::string& org = caller.organisation;
    if (host::is_host_command(command)) {
      if (!host::permitted(caller.role, command)) {
        throw host::PermissionError("role " + std::string(host::to_string(caller.role)) +
                                    " may not run " + command);
      }
      if (command == "run") {
        return with_gate(org, [&] {
          auto [summary, code] = cycle(org);
          summary["exit_code"] = code;
          return summary;
        });
      }
      // token_*: the runtime's, on the token store, not the organisation's state.
      if (command.rfind("token_", 0) == 0) return commands.command_as(org, caller, command, input);
      // check: the plugin's part (store, quarantine, routing) for this organisation.
    }
    return with_gate(org, [&] { return commands.command_as(org, caller, command, input); });
  };
  handlers.webhook = [&](const WebhookRequest& hook) -> WebhookAnswer {
    const auto* org = find_organisation(webhook_config, hook.organisation);
    const host::AdapterConfig* adapter = nullptr;
    if (org) {
      for (const auto& a : org->adapters) {
        if (a.name == hook.adapter) adapter = &a;
      }
    }
    if (!adapter || adapter->module != "bamboohr") {
      return {404, "no webhook at organisation \"" + hook.organisation + "\", adapter \"" +
                       hook.adapter + "\" (only BambooHR adapters take webhooks)"};
    }
    auto header = [&](const char* name) -> std::optional<std::string_view> {
      auto it = hook.headers.find(name);
      if (it == hook.headers.end()) return std::nullopt;
      return std::string_view(it->second);
    };
    const json& s = adapter->settings;
    const std::string key =
        secrets.get(s.value("webhook_key_secret", std::string("BAMBOOHR_WEBHOOK_KEY")))
            .value_or("");
    const auto checked = webhooks::verify_bamboohr(
        hook.body, header("x-bamboohr-signature"), header("x-bamboohr-timestamp"), key,
        webhooks::Clock::now(), seen_webhooks,
        std::chrono::seconds(s.value("webhook_tolerance_s", 300)));
    if (!checked) {
      logger->warn("[{}] serve: webhook of adapter {} refused: {}", hook.organisation, hook.adapter,
                   checked.words());
      return {401, "webhook refused: " + checked.words()};
    }
    const auto payload = webhooks::parse_bamboohr_payload(hook.body);
    if (payload.verdict == webhooks::PayloadVerdict::malformed)
      return {400, "webhook payload: " + payload.words()};
    scheduler.request_soon(hook.organisation);
    logger->info("[{}] serve: webhook of adapter {} accepted ({} employee(s)): a cycle soon",
                 hook.organisation, hook.adapter, payload.employee_ids.size());
    return {202, ""};
  };

  ApiServer server(settings, metrics, handlers);
  const int port = server.bind();

  std::thread http_thread([&] {
    server.listen();
    if (!stopping) ::kill(::getpid(), SIGTERM);  // the server ended by itself: shut down
  });
  std::thread scheduler_thread([&] { scheduler.loop(stopping); });
  // Announced once it accepts: a stop() before that would be lost.
  for (int i = 0; i < 5000 && !server.running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::cout << "listening on " << (server.tls() ? "https" : "http") << "://" << settings.host << ":"
            << port << " (" << ids.size() << " organisation(s))" << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  logger->info("serve: {} received: no new requests or cycles; finishing those in hand",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  stopping = true;
  server.stop();
  http_thread.join();
  const auto in_hand = scheduler.running();
  for (const auto& org : in_hand) logger->info("[{}] serve: finishing the cycle in hand", org);
  scheduler.wake();
  scheduler_thread.join();
  scheduler.stop();
  logger->info("serve: stopped");
  return host::kExitOk;
}

}  // namespace mentoring::serve
