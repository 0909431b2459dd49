// mentoring/sync/id_set.hpp — a set of ids built once, then asked many times.
//
// The sync asks, for every leave, completion and keeping-in-touch day, whether its person
// is present (about 3 questions per person on a first sync). A std::string per id and a
// std::size_t per slot cost about 50 bytes an id (50 MB at 1,000,000 short ids); here the
// ids share one buffer (their bytes and an 8-byte start each) and the open-addressing table
// (linear probing, at least twice as many slots as ids) holds 4-byte indexes: about 26 MB at
// 1,000,000 ids of 10 bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mentoring::sync {

class IdSet {
 public:
  // Adds an id (duplicates are kept once). Ids are exact bytes: no case folding.
  void insert(std::string_view id);
  bool contains(std::string_view id) const noexcept;
  std::size_t size() const noexcept { return starts_.size() - 1; }
  // Gives back the buffers' room to grow (after the last insert).
  void shrink_to_fit();
  // Bytes held (buffers' capacity), for tests of its memory.
  std::size_t bytes() const noexcept;

 private:
  std::string_view id_at(std::uint32_t index) const noexcept {
    return std::string_view(text_).substr(starts_[index], starts_[index + 1] - starts_[index]);
  }
  void grow();

  std::string text_;                         // every id's bytes, one after another
  std::vector<std::uint64_t> starts_ = {0};  // id i is text_[starts_[i], starts_[i+1])
  std::vector<std::uint32_t> slots_ =        // index + 1 into starts_, 0 for empty;
      std::vector<std::uint32_t>(16, 0);     // at least twice as many as ids
};

}  // namespace mentoring::sync
