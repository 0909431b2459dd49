// The scheduler on a test clock: cycles at their slots (hourly and daily in
// the organisation's zone, across a DST change), a failed cycle retried at the
// next slot and not before, never two cycles of one organisation at once, nor
// a cycle while a command holds the organisation's gate.
#include <mentoring/serve/scheduler.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace {

using namespace std::chrono;
using namespace std::chrono_literals;
using mentoring::serve::CycleOutcome;
using mentoring::serve::ManualClock;
using mentoring::serve::next_slot;
using mentoring::serve::OrganisationGates;
using mentoring::serve::Schedule;
using mentoring::serve::Scheduler;
using mentoring::serve::TimePoint;

TimePoint utc(int y, unsigned m, unsigned d, int hh, int mm, int ss = 0) {
  return sys_days(year{y} / month{m} / day{d}) + hours(hh) + minutes(mm) + seconds(ss);
}

Schedule hourly() {
  Schedule s;
  s.every_minutes = 60;
  s.daily_hour = 2;
  s.daily_minute = 30;  // not on the hour: the daily slot is seen apart
  s.timezone = "Europe/London";
  return s;
}

// A runner whose cycles a test counts, fails on demand, and can hold open.
struct Recorder {
  std::mutex mutex;
  std::condition_variable released_cv;
  bool hold = false;
  std::atomic<int> runs = 0, running = 0, most_at_once = 0, fail_next = 0;
  std::vector<TimePoint> started_at;
  const ManualClock* clock = nullptr;

  Scheduler::Runner runner() {
    return [this](const std::string&) -> CycleOutcome {
      int now_running = ++running;
      int seen = most_at_once;
      while (now_running > seen && !most_at_once.compare_exchange_weak(seen, now_running)) {
      }
      {
        std::unique_lock lock(mutex);
        started_at.push_back(clock->now());
        released_cv.wait(lock, [&] { return !hold; });
      }
      ++runs;
      --running;
      if (fail_next > 0) {
        --fail_next;
        throw std::runtime_error("adapter unreachable");
      }
      return {true, "exit code 0"};
    };
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      hold = false;
    }
    released_cv.notify_all();
  }
};

TEST(NextSlot, HourlyAlignsToTheHourAndDailyFollowsTheZone) {
  Schedule s = hourly();
  EXPECT_EQ(next_slot(s, utc(2026, 12, 7, 10, 30)), utc(2026, 12, 7, 11, 0));
  // Exactly on a slot: the next one, never the same again.
  EXPECT_EQ(next_slot(s, utc(2026, 12, 7, 11, 0)), utc(2026, 12, 7, 12, 0));
  // 02:30 London is 02:30Z in winter and 01:30Z in summer.
  EXPECT_EQ(next_slot(s, utc(2026, 12, 7, 2, 10)), utc(2026, 12, 7, 2, 30));
  EXPECT_EQ(next_slot(s, utc(2026, 7, 1, 1, 10)), utc(2026, 7, 1, 1, 30));
  // Weekly cycles and a daily one at 07:15 Berlin (UTC+1 in December).
  Schedule weekly;
  weekly.every_minutes = 7 * 24 * 60;
  weekly.daily_hour = 7;
  weekly.daily_minute = 15;
  weekly.timezone = "Europe/Berlin";
  EXPECT_EQ(next_slot(weekly, utc(2026, 12, 7, 6, 15)), utc(2026, 12, 8, 6, 15));
  EXPECT_EQ(next_slot(weekly, utc(2026, 12, 7, 6, 14)), utc(2026, 12, 7, 6, 15));
  // Across the spring change (2027-03-28 in London): 02:30 BST is 01:30Z.
  Schedule london = hourly();
  london.every_minutes = 7 * 24 * 60;
  EXPECT_EQ(next_slot(london, utc(2027, 3, 29, 0, 0)), utc(2027, 3, 29, 1, 30));
  EXPECT_EQ(next_slot(london, utc(2027, 3, 27, 3, 0)), utc(2027, 3, 28, 1, 30));
}

TEST(Scheduler, RunsEachCycleAtItsSlotAndNotBefore) {
  ManualClock clock(utc(2026, 12, 7, 10, 30));
  OrganisationGates gates({"northwind"});
  Recorder recorder;
  recorder.clock = &clock;
  Scheduler scheduler(clock, {{"northwind", hourly()}}, gates, recorder.runner(), 2);
  ASSERT_EQ(scheduler.next_due("northwind"), utc(2026, 12, 7, 11, 0));

  scheduler.tick();
  ASSERT_TRUE(scheduler.wait_idle(5s));
  EXPECT_EQ(recorder.runs, 0) << "nothing is due at 10:30";

  clock.set(utc(2026, 12, 7, 10, 59, 59));
  scheduler.tick();
  ASSERT_TRUE(scheduler.wait_idle(5s));
  EXPECT_EQ(recorder.runs, 0);

  clock.set(utc(2026, 12, 7, 11, 0));
  scheduler.tick();
  ASSERT_TRUE(scheduler.wait_idle(5s));
  EXPECT_EQ(recorder.runs, 1);
  scheduler.tick();  // the same moment again: done already
  ASSERT_TRUE(scheduler.wait_idle(5s));
  EXPECT_EQ(recorder.runs, 1);
  EXPECT_EQ(scheduler.next_due("northwind"), utc(2026, 12, 7, 12, 0));

  // Ticks every 20 minutes for a day: one cycle per hour plus the daily 02:30.
  for (int i = 0; i < 72; ++i) {
    clock.advance(20min);
    scheduler.tick();
    ASSERT_TRUE(scheduler.wait_idle(5s));
  }
  // 12:00 .. 11:00 next day hourly (24 slots) + the daily 02:30 = 25 more.
  EXPECT_EQ(recorder.runs, 26);
  bool daily_seen = false;
  for (auto t : recorder.started_at) daily_seen |= t == utc(2026, 12, 8, 2, 40);
  EXPECT_TRUE(daily_seen) << "the 02:30 slot runs at the first tick after it (02:40)";
}

TEST(Scheduler, AFailedCycleIsRetriedAtTheNextSlotNotBefore) {
  ManualClock clock(utc(2026, 12, 7, 10, 59));
  OrganisationGates gates({"northwind"});
  Recorder recorder;
  recorder.clock = &clock;
  recorder.fail_next = 1;
  std::vector<bool> outcomes;
  std::mutex outcomes_mutex;
  Scheduler scheduler(clock, {{"northwind", hourly()}}, gates, recorder.runner(), 1,
                      [&](const std::string&, const CycleOutcome& o, duration<double>) {
                        std::lock_guard lock(outcomes_mutex);
                        outcomes.push_back(o.ok);
                      });
  clock.set(utc(2026, 12, 7, 11, 0));
  scheduler.tick();
  ASSERT_TRUE(scheduler.wait_idle(5s));
  ASSERT_EQ(recorder.runs, 1);
  clock.set(utc(2026, 12, 7, 11, 30));
  scheduler.tick();
  ASSERT_TRUE(scheduler.wait_idle(5s));
  EXPECT_EQ(recorder.runs, 1) << "no retry storm: the next slot is 12:00";
  clock.set(utc(2026, 12, 7, 12, 0));
  scheduler.tick();
  ASSERT_TRUE(scheduler.wait_idle(5s));
  EXPECT_EQ(recorder.runs, 2);
  std::lock_guard lock(outcomes_mutex);
  EXPECT_EQ(outcomes, (std::vector<bool>{false, true}));
}

TEST(Scheduler, NeverTwoCyclesOfOneOrganisationAtOnce) {
  ManualClock clock(utc(2026, 12, 7, 11, 0));
  OrganisationGates gates({"northwind"});
  Recorder recorder;
  recorder.clock = &clock;
  recorder.hold = true;
  Schedule every_minute = hourly();
  every_minute.every_minutes = 1;
  Scheduler scheduler(clock, {{"northwind", every_minute}}, gates, recorder.runner(), 4);
  clock.set(utc(2026, 12, 7, 11, 1));
  scheduler.tick();
  // The cycle is held open while its slots pass and a webhook asks for one.
  for (int i = 0; i < 10; ++i) {
    clock.advance(1min);
    scheduler.tick();
    scheduler.request_soon("northwind");
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(scheduler.running(), std::vector<std::string>{"northwind"});
  EXPECT_EQ(recorder.running, 1);
  recorder.release();
  // The webhook's request is honoured once, right after: not once per missed slot.
  for (int i = 0; i < 50 && recorder.runs < 2; ++i) {
    scheduler.tick();
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(scheduler.wait_idle(5s));
  EXPECT_EQ(recorder.runs, 2);
  EXPECT_EQ(recorder.most_at_once, 1);
}

TEST(Scheduler, ACycleWaitsForACommandHoldingTheOrganisation) {
  ManualClock clock(utc(2026, 12, 7, 10, 59));
  OrganisationGates gates({"northwind", "riverside"});
  Recorder recorder;
  recorder.clock = &clock;
  Scheduler scheduler(clock, {{"northwind", hourly()}, {"riverside", hourly()}}, gates,
                      recorder.runner(), 2);
  std::unique_lock command(*gates.gate("northwind"));  // a command in hand
  clock.set(utc(2026, 12, 7, 11, 0));
  scheduler.tick();
  // riverside is not held: its cycle runs; northwind's waits for the command.
  for (int i = 0; i < 200 && recorder.runs < 1; ++i) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(recorder.runs, 1);
  EXPECT_FALSE(scheduler.wait_idle(10ms));
  command.unlock();
  ASSERT_TRUE(scheduler.wait_idle(5s));
  EXPECT_EQ(recorder.runs, 2);
}

TEST(Scheduler, StopFinishesTheCycleInHandAndStartsNoOther) {
  ManualClock clock(utc(2026, 12, 7, 10, 59));
  OrganisationGates gates({"northwind", "riverside"});
  Recorder recorder;
  recorder.clock = &clock;
  recorder.hold = true;
  Scheduler scheduler(clock, {{"northwind", hourly()}, {"riverside", hourly()}}, gates,
                      recorder.runner(), 1);
  clock.set(utc(2026, 12, 7, 11, 0));
  scheduler.tick();  // one worker: one cycle runs, the other waits in the queue
  for (int i = 0; i < 200 && recorder.running < 1; ++i) std::this_thread::sleep_for(5ms);
  std::thread releaser([&] {
    std::this_thread::sleep_for(100ms);
    recorder.release();
  });
  scheduler.stop();  // returns once the cycle in hand ends
  releaser.join();
  EXPECT_EQ(recorder.runs, 1);
  scheduler.tick();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(recorder.runs, 1);
}

}  // namespace
