// The calendar repository (issue 17) on every backend: what was last sent under each UID.
#include "backend.hpp"

#include <mentoring/store/calendar_repository.hpp>
#include <mentoring/store/postgres/calendar_repository.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>

using namespace mentoring::store;
using mentoring::store::testing::RepositoryTest;

namespace {

class CalendarRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<CalendarRepository> calendar =
      backend->make<CalendarRepository, SqliteCalendarRepository,
                    postgres::PostgresCalendarRepository>();
};

}  // namespace

TEST_P(CalendarRepositories, WhatWasLastSentUnderAUidIsReplacedByTheNextSend) {
  EXPECT_FALSE(calendar->sent("kickoff@acme"));
  calendar->save_sent({"kickoff@acme", 0, "2027-03-01|09:00|60|Room 1", false},
                      "2027-02-01T09:00:00Z");
  calendar->save_sent({"pair-7@acme", 0, "2027-03-02|10:00", false}, "2027-02-01T09:00:00Z");
  calendar->save_sent({"kickoff@acme", 1, "2027-03-01|10:00|60|Room 1", false},
                      "2027-02-02T09:00:00Z");

  auto kickoff = calendar->sent("kickoff@acme");
  ASSERT_TRUE(kickoff);
  EXPECT_EQ(kickoff->uid, "kickoff@acme");
  EXPECT_EQ(kickoff->sequence, 1);
  EXPECT_EQ(kickoff->fingerprint, "2027-03-01|10:00|60|Room 1");
  EXPECT_FALSE(kickoff->cancelled);
  EXPECT_EQ(calendar->sent("pair-7@acme")->sequence, 0);

  calendar->save_sent({"kickoff@acme", 2, kickoff->fingerprint, true}, "2027-02-03T09:00:00Z");
  EXPECT_TRUE(calendar->sent("kickoff@acme")->cancelled);
  EXPECT_EQ(calendar->sent("kickoff@acme")->sequence, 2);
}

TEST_P(CalendarRepositories, AnEventSavedInARolledBackTransactionWasNeverSent) {
  calendar->save_sent({"kickoff@acme", 0, "first", false}, "2027-02-01T09:00:00Z");
  backend->begin();
  calendar->save_sent({"kickoff@acme", 1, "second", false}, "2027-02-02T09:00:00Z");
  EXPECT_EQ(calendar->sent("kickoff@acme")->sequence, 1);  // inside the transaction
  backend->rollback();
  EXPECT_EQ(calendar->sent("kickoff@acme")->sequence, 0);
  EXPECT_EQ(calendar->sent("kickoff@acme")->fingerprint, "first");
}

INSTANTIATE_FOR_EVERY_BACKEND(CalendarRepositories);
