#include <mentoring/sync/id_set.hpp>

#include <functional>
#include <stdexcept>

namespace mentoring::sync {

namespace {

std::size_t hash_of(std::string_view id) noexcept {
  return std::hash<std::string_view>{}(id);
}

}  // namespace

bool IdSet::contains(std::string_view id) const noexcept {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = hash_of(id) & mask; slots_[slot] != 0; slot = (slot + 1) & mask)
    if (id_at(slots_[slot] - 1) == id) return true;
  return false;
}

void IdSet::insert(std::string_view id) {
  if (contains(id)) return;
  if (size() + 1 > 0xfffffffeULL) throw std::length_error("IdSet: more than 2^32 - 2 ids");
  if (2 * (size() + 1) > slots_.size()) grow();
  text_.append(id);
  starts_.push_back(text_.size());
  const auto index = static_cast<std::uint32_t>(size());  // 1-based: the id just added
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = hash_of(id) & mask;
  while (slots_[slot] != 0) slot = (slot + 1) & mask;
  slots_[slot] = index;
}

void IdSet::grow() {
  std::vector<std::uint32_t> slots(slots_.size() * 2, 0);
  const std::size_t mask = slots.size() - 1;
  for (std::uint32_t index = 1; index <= size(); ++index) {
    std::size_t slot = hash_of(id_at(index - 1)) & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = index;
  }
  slots_ = std::move(slots);
}

void IdSet::shrink_to_fit() {
  text_.shrink_to_fit();
  starts_.shrink_to_fit();
}

std::size_t IdSet::bytes() const noexcept {
  return text_.capacity() + starts_.capacity() * sizeof(std::uint64_t) +
         slots_.capacity() * sizeof(std::uint32_t);
}

}  // namespace mentoring::sync
