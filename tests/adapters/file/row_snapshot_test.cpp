// Row snapshots (file_adapter/row_snapshot.hpp): one export version's rows by
// key and content hash, written atomically and read back only when they are
// exactly that version's, with the diff a changes-only read needs.
#include "file_adapter/row_snapshot.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using namespace mentoring::adapters::file;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "row-snapshot-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

const SnapshotVersion kV1{"people", "0123456789abcdef0123456789abcdef", 42};
const SnapshotVersion kV2{"people", "fedcba9876543210fedcba9876543210", 42};

std::string row(int i, const std::string& name = "") {
  return "P" + std::to_string(i) + ",Person " + (name.empty() ? std::to_string(i) : name) + ",p" +
         std::to_string(i) + "@example.org";
}

RowSnapshot written(const fs::path& dir, const SnapshotVersion& version, int from, int to) {
  RowSnapshotWriter w;
  for (int i = from; i <= to; ++i) w.add("P" + std::to_string(i), row(i));
  return w.write(dir, version);
}

}  // namespace

TEST(RowSnapshot, ARowIsUnchangedOnlyWithTheSameKeyAndTheSameText) {
  TempDir dir;
  written(dir.path, kV1, 1, 100);
  auto loaded = RowSnapshot::load(dir.path, kV1);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->size(), 100u);
  EXPECT_TRUE(loaded->unchanged(key_hash("P7"), row_hash(row(7))));
  EXPECT_FALSE(loaded->unchanged(key_hash("P7"), row_hash(row(7, "Renamed"))));
  EXPECT_FALSE(loaded->unchanged(key_hash("P101"), row_hash(row(101))));
  // Another row's text under this key is a change, whatever it holds.
  EXPECT_FALSE(loaded->unchanged(key_hash("P7"), row_hash(row(8))));
  EXPECT_TRUE(loaded->contains(key_hash("P100")));
  EXPECT_FALSE(loaded->contains(key_hash("P0")));
}

TEST(RowSnapshot, RemovedNamesTheOldIdsTheNewVersionDoesNotHoldInBoundedSteps) {
  TempDir dir;
  RowSnapshot old = written(dir.path, kV1, 1, 1000);
  RowSnapshotWriter next;
  for (int i = 1; i <= 1000; ++i) {
    if (i % 100 == 0) continue;  // ten people gone
    next.add("P" + std::to_string(i), row(i));
  }
  next.add("P2000", row(2000));  // one new
  next.write(dir.path, kV2);
  auto now = RowSnapshot::load(dir.path, kV2);
  ASSERT_TRUE(now);
  std::vector<std::string> gone;
  std::size_t from = 0, steps = 0;
  while (from < old.size()) {
    std::size_t next_from = 0;
    auto some = old.removed_in(*now, from, 3, next_from);
    EXPECT_LE(some.size(), 3u);
    EXPECT_GT(next_from, from);
    gone.insert(gone.end(), some.begin(), some.end());
    from = next_from;
    ++steps;
  }
  EXPECT_GE(steps, 4u);
  std::sort(gone.begin(), gone.end());
  std::vector<std::string> expected;
  for (int i = 100; i <= 1000; i += 100) expected.push_back("P" + std::to_string(i));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(gone, expected);
}

// A row with problems, or an id several rows use, is always sent: never
// unchanged; and it is never reported removed while the export still holds it.
TEST(RowSnapshot, UnsendableRowsAreNeverUnchangedNorRemovedWhileHeld) {
  TempDir dir;
  RowSnapshotWriter w;
  w.add("P1", row(1));
  w.add("P2", row(2));
  w.add("P2", row(2, "Twin"));  // an id two rows use
  w.add_unsendable("P3");       // a row with problems
  w.add("P4", row(4));
  RowSnapshot old = w.write(dir.path, kV1);
  EXPECT_TRUE(old.unchanged(key_hash("P1"), row_hash(row(1))));
  EXPECT_FALSE(old.unchanged(key_hash("P2"), row_hash(row(2))));
  EXPECT_FALSE(old.unchanged(key_hash("P2"), row_hash(row(2, "Twin"))));
  EXPECT_FALSE(old.unchanged(key_hash("P3"), 0));
  EXPECT_TRUE(old.contains(key_hash("P3")));

  RowSnapshotWriter next;
  next.add("P1", row(1));
  next.add_unsendable("P2");  // still a problem
  next.add("P3", row(3));     // fixed
  RowSnapshot now = next.write(dir.path, kV2);
  std::size_t done = 0;
  EXPECT_EQ(old.removed_in(now, 0, 100, done), std::vector<std::string>{"P4"});
  EXPECT_EQ(done, old.size());
  // The loaded copy says the same as the one written.
  auto loaded = RowSnapshot::load(dir.path, kV1);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->removed_in(now, 0, 100, done), std::vector<std::string>{"P4"});
  EXPECT_FALSE(loaded->unchanged(key_hash("P2"), row_hash(row(2))));
}

TEST(RowSnapshot, OnlyTheSameStreamVersionAndSettingsAreLoaded) {
  TempDir dir;
  written(dir.path, kV1, 1, 10);
  EXPECT_TRUE(RowSnapshot::load(dir.path, kV1));
  EXPECT_FALSE(RowSnapshot::load(dir.path, kV2));
  SnapshotVersion other_settings = kV1;
  other_settings.settings_hash = 43;
  EXPECT_FALSE(RowSnapshot::load(dir.path, other_settings));
  SnapshotVersion other_stream = kV1;
  other_stream.stream = "leave";
  EXPECT_FALSE(RowSnapshot::load(dir.path, other_stream));
  // Renamed to pass for another version: its header still names the first.
  fs::rename(snapshot_path(dir.path, kV1), snapshot_path(dir.path, kV2));
  EXPECT_FALSE(RowSnapshot::load(dir.path, kV2));
}

TEST(RowSnapshot, ADamagedOrCutFileIsNotUsed) {
  TempDir dir;
  written(dir.path, kV1, 1, 50);
  const fs::path path = snapshot_path(dir.path, kV1);
  const auto size = fs::file_size(path);
  for (std::uintmax_t at : {std::uintmax_t{3}, std::uintmax_t{20}, std::uintmax_t{100}, size - 1}) {
    written(dir.path, kV1, 1, 50);
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(static_cast<std::streamoff>(at));
      char c = 0;
      f.get(c);
      f.seekp(static_cast<std::streamoff>(at));
      f.put(static_cast<char>(c ^ 0x5A));
    }
    EXPECT_FALSE(RowSnapshot::load(dir.path, kV1)) << "byte " << at << " changed";
  }
  written(dir.path, kV1, 1, 50);
  fs::resize_file(path, size - 24);
  EXPECT_FALSE(RowSnapshot::load(dir.path, kV1));
  fs::resize_file(path, 10);
  EXPECT_FALSE(RowSnapshot::load(dir.path, kV1));
}

TEST(RowSnapshot, TheFileIsPrivateCompactAndLeavesNoTemporary) {
  TempDir dir;
  const int rows = 100000;
  written(dir.path / "snapshots", kV1, 1, rows);
  const fs::path path = snapshot_path(dir.path / "snapshots", kV1);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // 24 bytes of hashes and reference a row, its id (here 2-7 bytes) and its length.
  EXPECT_LT(static_cast<double>(fs::file_size(path)) / rows, 34.0);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path / "snapshots")) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(RowSnapshot, OlderVersionsAreDeletedOnceTheNewOneIsKept) {
  TempDir dir;
  written(dir.path, kV1, 1, 5);
  written(dir.path, kV2, 1, 5);
  SnapshotVersion leave{"leave", kV1.content_hash, 42};
  written(dir.path, leave, 1, 5);
  std::ofstream(dir.path / "people.0123.rows.tmp999") << "left by a crash";
  std::ofstream(dir.path / "notes.txt") << "not ours";
  EXPECT_EQ(remove_other_snapshots(dir.path, kV2), 2u);
  EXPECT_FALSE(fs::exists(snapshot_path(dir.path, kV1)));
  EXPECT_TRUE(fs::exists(snapshot_path(dir.path, kV2)));
  EXPECT_TRUE(fs::exists(snapshot_path(dir.path, leave)));
  EXPECT_TRUE(fs::exists(dir.path / "notes.txt"));
  // No folder: nothing to delete, no error.
  EXPECT_EQ(remove_other_snapshots(dir.path / "missing", kV2), 0u);
}

TEST(RowSnapshot, AStreamOrHashThatCouldNameAnotherPathIsRefused) {
  TempDir dir;
  EXPECT_THROW(snapshot_path(dir.path, {"../people", "ab", 1}), std::invalid_argument);
  EXPECT_THROW(snapshot_path(dir.path, {"people", "ab/../cd", 1}), std::invalid_argument);
  EXPECT_THROW(snapshot_path(dir.path, {"people", "", 1}), std::invalid_argument);
  EXPECT_THROW(snapshot_path(dir.path, {"People", "ab", 1}), std::invalid_argument);
  EXPECT_EQ(snapshot_path(dir.path, kV1).filename(),
            "people.0123456789abcdef0123456789abcdef.rows");
  EXPECT_FALSE(RowSnapshot::load(dir.path / "missing", kV1));
}

// Completions have no id: a row's text is its key. The same row twice (a
// retake exported twice) is always sent; none is ever named removed.
TEST(RowSnapshot, RowsWithoutIdsAreFoundByTheirTextAndNeverNamedRemoved) {
  TempDir dir;
  const SnapshotVersion v1{"course_completions", "aa", 7}, v2{"course_completions", "bb", 7};
  RowSnapshotWriter w;
  w.add_without_id("E1,SAFE-101,2026-01-02");
  w.add_without_id("E2,SAFE-101,2026-01-03");
  w.add_without_id("E2,SAFE-101,2026-01-03");
  RowSnapshot old = w.write(dir.path, v1);
  const auto e1 = row_hash("E1,SAFE-101,2026-01-02"), e2 = row_hash("E2,SAFE-101,2026-01-03");
  EXPECT_TRUE(old.unchanged(e1, e1));
  EXPECT_FALSE(old.unchanged(e2, e2));
  RowSnapshotWriter next;
  next.add_without_id("E3,SAFE-101,2026-02-01");
  RowSnapshot now = next.write(dir.path, v2);
  std::size_t done = 0;
  EXPECT_TRUE(old.removed_in(now, 0, 10, done).empty());
  EXPECT_EQ(done, old.size());
  auto loaded = RowSnapshot::load(dir.path, v1);
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->unchanged(e1, e1));
}

TEST(RowSnapshot, EachInstanceHasItsOwnFolderNamedSafely) {
  EXPECT_EQ(snapshot_directory("/state/acme", "hr"), fs::path("/state/acme/file-snapshots/hr"));
  const fs::path odd = snapshot_directory("/state/acme", "../hr files");
  EXPECT_EQ(odd.parent_path(), fs::path("/state/acme/file-snapshots"));
  EXPECT_EQ(odd.filename().string().size(), 16u);
  EXPECT_NE(odd, snapshot_directory("/state/acme", "../hr files2"));
}

// A read's pages in one run load each snapshot once; at most two are held.
TEST(RowSnapshot, TheCacheLoadsOnceAndHoldsAtMostTwo) {
  TempDir dir;
  written(dir.path, kV1, 1, 10);
  SnapshotCache cache(dir.path);
  auto first = cache.get(kV1);
  ASSERT_NE(first, nullptr);
  fs::remove(snapshot_path(dir.path, kV1));
  EXPECT_EQ(cache.get(kV1), first);  // not read again
  EXPECT_EQ(cache.get(kV2), nullptr);
  RowSnapshotWriter w;
  w.add("P1", row(1));
  cache.put(w.write(dir.path, kV2));
  ASSERT_NE(cache.get(kV2), nullptr);
  ASSERT_NE(cache.get(kV1), nullptr);  // still held
  SnapshotVersion v3{"people", "cc", 42};
  written(dir.path, v3, 1, 3);
  ASSERT_NE(cache.get(v3), nullptr);
  EXPECT_EQ(first->size(), 10u);  // still valid in the hands of its user
  // v2 was used longest ago: dropped, and read again from its file.
  fs::remove(snapshot_path(dir.path, kV2));
  EXPECT_EQ(cache.get(kV2), nullptr);
  EXPECT_NE(cache.get(kV1), nullptr);
}
