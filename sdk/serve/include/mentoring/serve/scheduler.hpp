// mentoring/serve/scheduler.hpp — each organisation's cycle on its own
// schedule, never two of one organisation at once (nor a cycle and a command:
// both take the organisation's gate), a failed cycle logged and tried again at
// the next slot.
//
//   ManualClock clock(start);                 // or SystemClock in production
//   OrganisationGates gates({"northwind"});
//   Scheduler scheduler(clock, {{"northwind", schedule}}, gates, run_cycle, 2);
//   scheduler.tick();                         // starts what is due, on its workers
//   scheduler.loop(stop);                     // production: ticks every second until stop
//
// Threading: every member is thread-safe. The runner is called on the
// scheduler's worker threads, holding the organisation's gate.
#pragma once

#include <mentoring/serve/settings.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mentoring::serve {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock a test moves by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void set(TimePoint t) { now_ = t.time_since_epoch().count(); }
  void advance(TimePoint::duration d) { now_ += d.count(); }

 private:
  std::atomic<TimePoint::rep> now_;
};

// The first slot of `schedule` strictly after `after`: the next multiple of
// every_minutes since midnight UTC, or daily_at in the schedule's time zone
// (an unknown zone counts as UTC), whichever comes first.
TimePoint next_slot(const Schedule& schedule, TimePoint after);

// One writer per organisation inside the process (across processes the
// organisation's flock, host/org_lock.hpp, does it). Fixed at construction.
class OrganisationGates {
 public:
  explicit OrganisationGates(const std::vector<std::string>& organisations);
  // nullptr for an organisation it does not know.
  std::timed_mutex* gate(const std::string& organisation) const;

 private:
  std::map<std::string, std::unique_ptr<std::timed_mutex>> gates_;
};

struct CycleOutcome {
  bool ok = false;
  std::string detail;  // for the log: an exit code and the error's words (no secrets)
};

class Scheduler {
 public:
  using Runner = std::function<CycleOutcome(const std::string& organisation)>;
  // Hears of every finished cycle (metrics, logs); may be empty.
  using Listener = std::function<void(const std::string& organisation, const CycleOutcome&,
                                      std::chrono::duration<double> took)>;

  Scheduler(const Clock& clock, const std::vector<std::pair<std::string, Schedule>>& schedules,
            OrganisationGates& gates, Runner runner, int threads, Listener listener = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts every due cycle whose organisation has none running or waiting.
  void tick();
  // A cycle of `organisation` as soon as possible (a webhook): at the next
  // tick, or right after the one running. False for an unknown organisation.
  bool request_soon(const std::string& organisation);
  // Ticks every `interval` until `stop` turns true (or request_soon wakes it).
  void loop(const std::atomic<bool>& stop,
            std::chrono::milliseconds interval = std::chrono::milliseconds(1000));
  // Starts nothing more and waits for the cycles in hand; queued ones are dropped.
  void stop();
  // Wakes loop() early (stop flags are checked at each wake-up).
  void wake();

  std::optional<TimePoint> next_due(const std::string& organisation) const;
  // Organisations whose cycle is running now.
  std::vector<std::string> running() const;
  // Blocks until nothing is queued or running (tests), at most `limit`.
  bool wait_idle(std::chrono::milliseconds limit) const;

 private:
  struct Entry {
    Schedule schedule;
    TimePoint due;
    bool queued = false, running = false, requested = false;
  };
  void work();

  const Clock& clock_;
  OrganisationGates& gates_;
  Runner runner_;
  Listener listener_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;  // queue, states, stop
  std::condition_variable wake_;
  std::map<std::string, Entry> entries_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  bool woken_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace mentoring::serve
