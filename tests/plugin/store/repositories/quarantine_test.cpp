// The quarantine repository (issue 17) on every backend: host records that failed their
// checks, one row per record, replaced when it comes again, released when it passes, their
// texts capped and each adapter's stream bounded, the oldest seen dropped first.
#include "backend.hpp"

#include <mentoring/store/postgres/quarantine_repository.hpp>
#include <mentoring/store/quarantine_repository.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace mentoring::store;
using mentoring::store::testing::RepositoryTest;

namespace {

using Q = QuarantineRepository;

class QuarantineRepositories : public RepositoryTest {
 protected:
  std::unique_ptr<QuarantineRepository> quarantine =
      backend->make<QuarantineRepository, SqliteQuarantineRepository,
                    postgres::PostgresQuarantineRepository>();

  std::vector<QuarantinedRecord> everything() { return quarantine->list("", "", 100); }
  std::optional<QuarantinedRecord> row_of(const std::string& stream, const std::string& id) {
    for (auto& r : quarantine->list("hr", stream, 100))
      if (r.record_id == id) return r;
    return std::nullopt;
  }
};

QuarantinedRecord bad(std::optional<std::string> id, std::string reason, std::string day,
                      std::string stream = "leave") {
  QuarantinedRecord r;
  r.adapter = "hr";
  r.stream = std::move(stream);
  r.record_id = std::move(id);
  r.reason = std::move(reason);
  r.pointer = "/person_id";
  r.found = "\"GHOST\"";
  r.expected = "the id of a known person";
  r.message = "hr leave record L7: /person_id: found \"GHOST\"; expected the id of a known person";
  r.excerpt = R"({"id":"L7","person_id":"GHOST"})";
  r.last_seen = std::move(day);
  return r;
}

std::string repeated(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// Ends with the cut mark, and no two-byte character was split before it.
void expect_cut_at_a_character(const std::string& text) {
  ASSERT_GE(text.size(), 3u);
  EXPECT_EQ(text.substr(text.size() - 3), "\u2026");
  EXPECT_EQ((text.size() - 3) % 2, 0u) << "a character split before the cut";
}

}  // namespace

TEST_P(QuarantineRepositories, TheSameRecordAgainReplacesItsRowAndKeepsWhenItWasFirstSeen) {
  quarantine->hold(bad("L7", "unknown_person", "2026-12-01"), "");
  auto again = bad("L7", "ends_before_start", "2026-12-08");
  again.pointer = "/expected_end";
  again.found = "\"2026-01-01\"";
  again.expected = "a day on or after the start";
  again.message = "ends before it starts";
  again.excerpt = R"({"id":"L7"})";
  quarantine->hold(again, "");
  auto rows = everything();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].adapter, "hr");
  EXPECT_EQ(rows[0].stream, "leave");
  EXPECT_EQ(rows[0].record_id, "L7");
  EXPECT_EQ(rows[0].reason, "ends_before_start");
  EXPECT_EQ(rows[0].pointer, "/expected_end");
  EXPECT_EQ(rows[0].found, "\"2026-01-01\"");
  EXPECT_EQ(rows[0].expected, "a day on or after the start");
  EXPECT_EQ(rows[0].message, "ends before it starts");
  EXPECT_EQ(rows[0].excerpt, R"({"id":"L7"})");
  EXPECT_FALSE(rows[0].full_read);
  EXPECT_EQ(rows[0].first_seen, "2026-12-01");
  EXPECT_EQ(rows[0].last_seen, "2026-12-08");
  EXPECT_EQ(rows[0].times_seen, 2);
  EXPECT_EQ(quarantine->count("hr", "leave"), 1);
  EXPECT_EQ(quarantine->count("hr", "people"), 0);
  EXPECT_EQ(quarantine->count("", ""), 1);
  EXPECT_EQ(quarantine->keys("hr", "leave"), std::unordered_set<std::string>{"L7"});
  EXPECT_TRUE(quarantine->release("hr", "leave", "L7"));
  EXPECT_FALSE(quarantine->release("hr", "leave", "L7"));
  EXPECT_EQ(quarantine->count("", ""), 0);
  EXPECT_TRUE(quarantine->keys("hr", "leave").empty());
}

TEST_P(QuarantineRepositories, ARecordWithoutAnIdIsKeyedByItsTextSoTheSameOneIsHeldOnce) {
  quarantine->hold(bad(std::nullopt, "not_valid", "2026-12-01"), R"({"name":"x"})");
  quarantine->hold(bad(std::nullopt, "not_valid", "2026-12-02"), R"({"name":"x"})");
  quarantine->hold(bad(std::nullopt, "not_valid", "2026-12-02"), R"({"name":"y"})");
  EXPECT_EQ(quarantine->count("", ""), 2);
  EXPECT_EQ(quarantine->keys("hr", "leave"),
            (std::unordered_set<std::string>{Q::key_of(std::nullopt, R"({"name":"x"})"),
                                             Q::key_of(std::nullopt, R"({"name":"y"})")}));
  for (const auto& r : everything()) EXPECT_FALSE(r.record_id);
  EXPECT_EQ(Q::key_of(std::nullopt, "a"), Q::key_of(std::nullopt, "a"));
  EXPECT_NE(Q::key_of(std::nullopt, "a"), Q::key_of(std::nullopt, "b"));
  EXPECT_EQ(Q::key_of(std::string("L7"), "anything"), "L7");
  EXPECT_TRUE(quarantine->release("hr", "leave", Q::key_of(std::nullopt, R"({"name":"x"})")));
  EXPECT_EQ(quarantine->count("hr", "leave"), 1);
}

TEST_P(QuarantineRepositories, ReasonsWordsAndExcerptsAreCappedAtACharacterBoundary) {
  const std::string long_text = repeated("\xc3\xa9", 3000);  // é, two bytes each: 6000 bytes
  QuarantinedRecord r;
  r.adapter = "hr";
  r.stream = "leave";
  r.record_id = long_text;
  r.reason = long_text;
  r.pointer = long_text;
  r.found = long_text;
  r.expected = long_text;
  r.message = long_text;
  r.excerpt = long_text;
  r.last_seen = "2026-12-01";
  quarantine->hold(r, long_text);
  auto rows = everything();
  ASSERT_EQ(rows.size(), 1u);
  const auto& row = rows[0];
  for (const std::string* field : {&row.reason, &row.pointer, &row.found, &row.expected}) {
    EXPECT_LE(field->size(), Q::kMaxField);
    EXPECT_GT(field->size(), Q::kMaxField - 8);
    expect_cut_at_a_character(*field);
  }
  ASSERT_TRUE(row.record_id);
  EXPECT_LE(row.record_id->size(), Q::kMaxField);
  expect_cut_at_a_character(*row.record_id);
  EXPECT_LE(row.message.size(), Q::kMaxMessage);
  EXPECT_GT(row.message.size(), Q::kMaxMessage - 8);
  expect_cut_at_a_character(row.message);
  EXPECT_LE(row.excerpt.size(), Q::kMaxExcerpt);
  EXPECT_GT(row.excerpt.size(), Q::kMaxExcerpt - 8);
  expect_cut_at_a_character(row.excerpt);
  // The row's key is the capped id, so the same long id sent again finds it.
  EXPECT_TRUE(quarantine->release("hr", "leave", Q::key_of(long_text, "")));
  EXPECT_EQ(capped("short", 10), "short");
  EXPECT_EQ(capped("\xc3\xa9\xc3\xa9", 4), "\xc3\xa9\xc3\xa9");
}

TEST_P(QuarantineRepositories, ARetryFailingAgainIsCappedToo) {
  auto l7 = bad("L7", "unknown_person", "2026-12-01");
  l7.raw = R"({"id":"L7"})";
  quarantine->hold(l7, "");
  auto again = bad("L7", "overlapping_leave", "2026-12-02");
  again.message = repeated("\xc3\xa9", 1000);
  again.found = repeated("x", 1000);
  EXPECT_TRUE(quarantine->still_held("L7", again));
  auto row = row_of("leave", "L7");
  ASSERT_TRUE(row);
  EXPECT_LE(row->message.size(), Q::kMaxMessage);
  expect_cut_at_a_character(row->message);
  EXPECT_LE(row->found.size(), Q::kMaxField);
}

TEST_P(QuarantineRepositories, EachStreamHoldsAtMostItsLimitDroppingThoseSeenLongestAgo) {
  const std::int64_t total = Q::kMaxPerStream + 3;
  backend->begin();
  for (std::int64_t i = total - 1; i >= 0; --i) {  // the oldest seen are not the first rows
    const std::string day = i < 3 ? "2026-11-01" : "2026-12-01";
    quarantine->hold(bad("L" + std::to_string(i), "unknown_person", day), "");
  }
  // Another stream, and another adapter's same stream, have their own limits.
  quarantine->hold(bad("P1", "not_valid", "2026-10-01", "people"), "");
  auto other = bad("L0", "unknown_person", "2026-10-01");
  other.adapter = "lms";
  quarantine->hold(other, "");
  backend->commit();

  EXPECT_EQ(quarantine->count("hr", "leave"), total);
  EXPECT_EQ(quarantine->trim("hr", "leave"), 3);
  EXPECT_EQ(quarantine->trim("hr", "leave"), 0);
  EXPECT_EQ(quarantine->count("hr", "leave"), Q::kMaxPerStream);
  auto keys = quarantine->keys("hr", "leave");
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(Q::kMaxPerStream));
  EXPECT_EQ(keys.count("L0") + keys.count("L1") + keys.count("L2"), 0u);
  EXPECT_EQ(keys.count("L3"), 1u);
  EXPECT_EQ(keys.count("L" + std::to_string(total - 1)), 1u);
  EXPECT_EQ(quarantine->trim("hr", "people"), 0);
  EXPECT_EQ(quarantine->count("hr", "people"), 1);
  EXPECT_EQ(quarantine->count("lms", "leave"), 1);
  EXPECT_EQ(quarantine->count("", ""), Q::kMaxPerStream + 2);
}

TEST_P(QuarantineRepositories, RowsSeenTheSameDayAreTrimmedInTheOrderTheyWereFirstSeen) {
  backend->begin();
  for (std::int64_t i = 0; i < Q::kMaxPerStream; ++i)
    quarantine->hold(bad("M" + std::to_string(i), "unknown_person", "2026-12-01"), "");
  auto early = bad("Z-early", "unknown_person", "2026-12-01");
  early.first_seen = "2026-11-20";  // seen before, and again today
  quarantine->hold(early, "");
  backend->commit();
  EXPECT_EQ(quarantine->trim("hr", "leave"), 1);
  EXPECT_EQ(quarantine->keys("hr", "leave").count("Z-early"), 0u);
}

TEST_P(QuarantineRepositories, ListsNewestSeenFirstWithinALimitAndByAdapterAndStream) {
  quarantine->hold(bad("L1", "unknown_person", "2026-12-01"), "");
  quarantine->hold(bad("L2", "unknown_person", "2026-12-03"), "");
  quarantine->hold(bad("P1", "not_valid", "2026-12-02", "people"), "");
  auto lms = bad("C1", "unknown_course", "2026-12-02", "course_completions");
  lms.adapter = "lms";
  quarantine->hold(lms, "");

  auto ids = [](const std::vector<QuarantinedRecord>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.record_id.value_or("-"));
    return out;
  };
  EXPECT_EQ(ids(everything()), (std::vector<std::string>{"L2", "P1", "C1", "L1"}));
  EXPECT_EQ(ids(quarantine->list("", "", 2)), (std::vector<std::string>{"L2", "P1"}));
  EXPECT_EQ(ids(quarantine->list("hr", "", 100)), (std::vector<std::string>{"L2", "P1", "L1"}));
  EXPECT_EQ(ids(quarantine->list("", "leave", 100)), (std::vector<std::string>{"L2", "L1"}));
  EXPECT_EQ(ids(quarantine->list("lms", "course_completions", 100)),
            std::vector<std::string>{"C1"});
  EXPECT_EQ(quarantine->count("hr", ""), 3);
  EXPECT_EQ(quarantine->count("", "course_completions"), 1);
  EXPECT_EQ(quarantine->count("lms", "leave"), 0);
}

TEST_P(QuarantineRepositories, PeopleHeldFromAFullReadAreKnownAndThoseOfEarlierReadsLeave) {
  auto person = [](std::optional<std::string> id, std::string read) {
    auto r = bad(std::move(id), "not_valid", "2026-12-01", "people");
    r.full_read = std::move(read);
    return r;
  };
  quarantine->hold(person("P1", "read-1"), "");
  quarantine->hold(person("P3", "read-2"), "");
  quarantine->hold(person("P2", "read-2"), "");
  quarantine->hold(person(std::nullopt, "read-2"), "{}");
  quarantine->hold(bad("P9", "not_valid", "2026-12-01", "people"), "");  // not from a full read
  auto held = quarantine->held_in_read("hr", "read-2");
  EXPECT_EQ(held.ids, (std::vector<std::string>{"P2", "P3"}));
  EXPECT_EQ(held.without_id, 1);
  EXPECT_EQ(row_of("people", "P2")->full_read, "read-2");
  EXPECT_TRUE(quarantine->held_in_read("lms", "read-2").ids.empty());
  EXPECT_EQ(quarantine->release_unlisted("hr", "read-2"), 1);  // P1: not listed by read-2
  EXPECT_EQ(quarantine->count("hr", "people"), 4);
  EXPECT_FALSE(row_of("people", "P1"));
  EXPECT_TRUE(row_of("people", "P9"));
}

// Issue 16: a record held for a reason that can pass later keeps its text for
// a retry, within kMaxRaw; a retry that fails again moves last_seen only.
TEST_P(QuarantineRepositories,
       ARawRecordIsKeptForARetryWithinItsBoundAndARetryCountsNoNewSighting) {
  auto l7 = bad("L7", "unknown_person", "2026-12-01");
  l7.raw = R"({"id":"L7","person_id":"GHOST"})";
  quarantine->hold(l7, "");
  auto l6 = bad("L6", "unknown_person", "2026-12-02");
  l6.raw = R"({"id":"L6"})";
  quarantine->hold(l6, "");
  auto big = bad("L8", "unknown_person", "2026-12-01");
  big.raw = "\"" + std::string(Q::kMaxRaw, 'x') + "\"";  // over the bound
  quarantine->hold(big, "");
  auto at_bound = bad("L5", "unknown_person", "2026-12-03");
  at_bound.raw = "\"" + std::string(Q::kMaxRaw - 2, 'y') + "\"";  // exactly the bound
  quarantine->hold(at_bound, "");
  quarantine->hold(bad("L9", "ends_before_start", "2026-12-01"), "");  // no raw: never retried
  auto retry = quarantine->retryable("hr", "leave", Q::kMaxPerStream);
  ASSERT_EQ(retry.size(), 3u);  // seen longest ago first
  EXPECT_EQ(retry[0].key, "L7");
  EXPECT_EQ(retry[0].raw, *l7.raw);
  EXPECT_EQ(retry[1].key, "L6");
  EXPECT_EQ(retry[2].key, "L5");
  EXPECT_EQ(retry[2].raw, *at_bound.raw);
  EXPECT_EQ(quarantine->retryable("hr", "leave", 1).size(), 1u);
  EXPECT_TRUE(quarantine->retryable("hr", "people", Q::kMaxPerStream).empty());

  auto again = bad("L7", "overlapping_leave", "2026-12-05");
  again.raw = l7.raw;
  EXPECT_TRUE(quarantine->still_held("L7", again));
  auto row = row_of("leave", "L7");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->reason, "overlapping_leave");
  EXPECT_EQ(row->first_seen, "2026-12-01");
  EXPECT_EQ(row->last_seen, "2026-12-05");
  EXPECT_EQ(row->times_seen, 1);
  EXPECT_EQ(quarantine->retryable("hr", "leave", Q::kMaxPerStream).back().key, "L7");
  // Failing now for a reason that cannot pass later drops the text.
  auto wrong = bad("L7", "ends_before_start", "2026-12-06");
  EXPECT_TRUE(quarantine->still_held("L7", wrong));
  EXPECT_EQ(quarantine->retryable("hr", "leave", Q::kMaxPerStream).size(), 2u);
  EXPECT_FALSE(quarantine->still_held("L1", wrong));  // not held: nothing to update
  EXPECT_FALSE(row_of("leave", "L1"));
  // The host sending a held record again for a lasting reason drops the text too.
  quarantine->hold(l6, "");
  quarantine->hold(bad("L6", "ends_before_start", "2026-12-07"), "");
  EXPECT_EQ(quarantine->retryable("hr", "leave", Q::kMaxPerStream).size(), 1u);
}

TEST_P(QuarantineRepositories, ARolledBackPageTakesItsHoldsAndReleasesWithIt) {
  quarantine->hold(bad("L1", "unknown_person", "2026-12-01"), "");
  backend->begin();
  quarantine->hold(bad("L2", "unknown_person", "2026-12-02"), "");
  quarantine->hold(bad("L1", "overlapping_leave", "2026-12-02"), "");
  EXPECT_TRUE(quarantine->release("hr", "leave", "L1"));
  EXPECT_EQ(quarantine->count("hr", "leave"), 1);  // inside the transaction
  backend->rollback();
  EXPECT_EQ(quarantine->keys("hr", "leave"), std::unordered_set<std::string>{"L1"});
  auto row = row_of("leave", "L1");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->reason, "unknown_person");
  EXPECT_EQ(row->times_seen, 1);
}

INSTANTIATE_FOR_EVERY_BACKEND(QuarantineRepositories);
