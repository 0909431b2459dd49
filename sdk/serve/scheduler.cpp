#include <mentoring/serve/scheduler.hpp>

#include <libical/ical.h>

#include <ctime>

namespace mentoring::serve {

namespace {

using std::chrono::duration_cast;
using std::chrono::minutes;
using std::chrono::seconds;

// libical's built-in zones are loaded lazily; one caller at a time.
std::mutex ical_mutex;

TimePoint next_daily(const Schedule& s, TimePoint after) {
  std::lock_guard lock(ical_mutex);
  icaltimezone* zone = icaltimezone_get_builtin_timezone(s.timezone.c_str());
  if (!zone) zone = icaltimezone_get_utc_timezone();
  const std::time_t after_t = std::chrono::system_clock::to_time_t(after);
  icaltimetype local = icaltime_from_timet_with_zone(after_t, 0, zone);
  local.hour = s.daily_hour;
  local.minute = s.daily_minute;
  local.second = 0;
  for (int day = 0; day < 3; ++day) {
    const std::time_t at = icaltime_as_timet_with_zone(local, zone);
    const TimePoint slot = std::chrono::system_clock::from_time_t(at);
    if (slot > after) return slot;
    icaltime_adjust(&local, 1, 0, 0, 0);
  }
  return after + std::chrono::hours(24);  // not reached: a day later is always after
}

}  // namespace

TimePoint next_slot(const Schedule& s, TimePoint after) {
  const auto every = minutes(s.every_minutes);
  const auto since_epoch = duration_cast<seconds>(after.time_since_epoch());
  const auto periods = since_epoch / every;  // whole periods since 1970-01-01T00:00Z
  TimePoint periodic{duration_cast<TimePoint::duration>(every * (periods + 1))};
  const TimePoint daily = next_daily(s, after);
  return std::min(periodic, daily);
}

OrganisationGates::OrganisationGates(const std::vector<std::string>& organisations) {
  for (const auto& id : organisations) gates_.emplace(id, std::make_unique<std::timed_mutex>());
}

std::timed_mutex* OrganisationGates::gate(const std::string& organisation) const {
  auto it = gates_.find(organisation);
  return it == gates_.end() ? nullptr : it->second.get();
}

Scheduler::Scheduler(const Clock& clock,
                     const std::vector<std::pair<std::string, Schedule>>& schedules,
                     OrganisationGates& gates, Runner runner, int threads, Listener listener)
    : clock_(clock), gates_(gates), runner_(std::move(runner)), listener_(std::move(listener)) {
  const TimePoint now = clock_.now();
  for (const auto& [id, schedule] : schedules) {
    Entry entry;
    entry.schedule = schedule;
    entry.due = schedule.enabled ? next_slot(schedule, now) : TimePoint::max();
    entries_.emplace(id, entry);
  }
  for (int i = 0; i < std::max(threads, 1); ++i) workers_.emplace_back([this] { work(); });
}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::tick() {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  const TimePoint now = clock_.now();
  for (auto& [id, entry] : entries_) {
    if (entry.queued || entry.running || entry.due > now) continue;
    entry.queued = true;
    queue_.push_back(id);
  }
  changed_.notify_all();
}

bool Scheduler::request_soon(const std::string& organisation) {
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(organisation);
    if (it == entries_.end()) return false;
    if (it->second.running) {
      it->second.requested = true;
    } else {
      it->second.due = std::min(it->second.due, clock_.now());
    }
  }
  wake();
  return true;
}

void Scheduler::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void Scheduler::loop(const std::atomic<bool>& stop, std::chrono::milliseconds interval) {
  while (!stop) {
    tick();
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, interval, [&] { return woken_ || stop || stopping_; });
    woken_ = false;
    if (stopping_) return;
  }
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    for (const auto& id : queue_) entries_[id].queued = false;
    queue_.clear();
  }
  changed_.notify_all();
  wake_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  std::lock_guard lock(mutex_);
  workers_.clear();
}

void Scheduler::work() {
  for (;;) {
    std::string id;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
      auto& entry = entries_[id];
      entry.queued = false;
      entry.running = true;
    }
    const auto started = std::chrono::steady_clock::now();
    CycleOutcome outcome;
    try {
      // The organisation's one writer: a command in hand finishes first.
      std::lock_guard gate(*gates_.gate(id));
      outcome = runner_(id);
    } catch (const std::exception& e) {
      outcome = {false, e.what()};
    } catch (...) {
      outcome = {false, "unknown exception"};
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    if (listener_) listener_(id, outcome, took);
    {
      std::lock_guard lock(mutex_);
      auto& entry = entries_[id];
      entry.running = false;
      // Failed or not, the next slot after now: missed slots are not piled up.
      const TimePoint now = clock_.now();
      entry.due = entry.schedule.enabled ? next_slot(entry.schedule, now) : TimePoint::max();
      if (entry.requested) {
        entry.requested = false;
        entry.due = now;
      }
    }
    changed_.notify_all();
    wake();
  }
}

std::optional<TimePoint> Scheduler::next_due(const std::string& organisation) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(organisation);
  if (it == entries_.end() || it->second.due == TimePoint::max()) return std::nullopt;
  return it->second.due;
}

std::vector<std::string> Scheduler::running() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, entry] : entries_) {
    if (entry.running) out.push_back(id);
  }
  return out;
}

bool Scheduler::wait_idle(std::chrono::milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] {
    if (!queue_.empty()) return false;
    for (const auto& [id, entry] : entries_) {
      if (entry.running) return false;
    }
    return true;
  });
}

}  // namespace mentoring::serve
