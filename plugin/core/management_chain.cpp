#include <mentoring/domain/management_chain.hpp>

#include <algorithm>
#include <utility>

namespace mentoring::domain {

std::int32_t ManagementChains::intern(const std::string& id) {
  auto [it, inserted] = index_.try_emplace(id, static_cast<std::int32_t>(ids_.size()));
  if (inserted) {
    ids_.push_back(id);
    managers_.emplace_back();
    loaded_.push_back(managers_of_ ? 0 : 1);
  }
  return it->second;
}

ManagementChains::ManagementChains(const std::vector<ManagerLink>& links) {
  for (const ManagerLink& link : links) {
    if (link.person_id.empty() || link.manager_id.empty()) continue;
    const std::int32_t person = intern(link.person_id);
    const std::int32_t manager = intern(link.manager_id);
    managers_[static_cast<std::size_t>(person)].push_back(manager);
  }
}

ManagementChains::ManagementChains(ManagersOf managers_of) : managers_of_(std::move(managers_of)) {}

void ManagementChains::load(std::int32_t person) {
  const auto p = static_cast<std::size_t>(person);
  if (loaded_[p]) return;
  loaded_[p] = 1;
  std::vector<std::int32_t> above;
  for (const std::string& manager : managers_of_(ids_[p])) {
    if (!manager.empty()) above.push_back(intern(manager));  // may grow managers_: no reference
  }
  managers_[p] = std::move(above);
}

std::int32_t ManagementChains::index_of(std::string_view id) const {
  const auto it = index_.find(std::string(id));
  return it == index_.end() ? -1 : it->second;
}

void ManagementChains::follow(const std::vector<std::string>& person_ids) {
  if (!managers_of_) return;
  for (const std::string& id : person_ids) {
    if (!id.empty()) managers_above(intern(id));
  }
}

// Iterative walk with a visited set: each person is expanded once, so depth and cycles cost
// at most the size of the directory and can never loop or overflow the stack.
const std::vector<std::int32_t>& ManagementChains::managers_above(std::int32_t person) {
  if (auto it = above_cache_.find(person); it != above_cache_.end()) return it->second;
  load(person);
  std::vector<char> seen(ids_.size(), 0);
  std::vector<std::int32_t> stack = managers_[static_cast<std::size_t>(person)];
  std::vector<std::int32_t> above;
  while (!stack.empty()) {
    const std::int32_t m = stack.back();
    stack.pop_back();
    if (seen[static_cast<std::size_t>(m)]) continue;
    seen[static_cast<std::size_t>(m)] = 1;
    above.push_back(m);
    load(m);  // lazy form: may add people, so `seen` grows with them
    if (seen.size() < ids_.size()) seen.resize(ids_.size(), 0);
    for (std::int32_t next : managers_[static_cast<std::size_t>(m)]) {
      if (!seen[static_cast<std::size_t>(next)]) stack.push_back(next);
    }
  }
  std::sort(above.begin(), above.end());
  return above_cache_.emplace(person, std::move(above)).first->second;
}

bool ManagementChains::in_same_chain(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  if (managers_of_) {  // the lazy form knows people once it has asked about them
    intern(std::string(a));
    intern(std::string(b));
  }
  const std::int32_t ia = index_of(a);
  const std::int32_t ib = index_of(b);
  if (ia < 0 || ib < 0) return false;  // someone without any manager link is in no chain
  const auto& above_a = managers_above(ia);
  if (std::binary_search(above_a.begin(), above_a.end(), ib)) return true;
  const auto& above_b = managers_above(ib);
  return std::binary_search(above_b.begin(), above_b.end(), ia);
}

std::vector<std::string> ManagementChains::people_on_cycles() const {
  // Iterative Tarjan: strongly connected components in O(people + links), no recursion.
  const std::size_t n = ids_.size();
  constexpr std::int32_t kUnvisited = -1;
  std::vector<std::int32_t> order(n, kUnvisited), low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<std::int32_t> component_stack;
  std::vector<std::pair<std::int32_t, std::size_t>> call_stack;  // (person, next manager)
  std::vector<char> cyclic(n, 0);
  std::int32_t counter = 0;
  for (std::size_t root = 0; root < n; ++root) {
    if (order[root] != kUnvisited) continue;
    call_stack.emplace_back(static_cast<std::int32_t>(root), 0);
    while (!call_stack.empty()) {
      auto& [v, next] = call_stack.back();
      const auto vi = static_cast<std::size_t>(v);
      if (next == 0 && order[vi] == kUnvisited) {
        order[vi] = low[vi] = counter++;
        component_stack.push_back(v);
        on_stack[vi] = 1;
      }
      if (next < managers_[vi].size()) {
        const auto w = static_cast<std::size_t>(managers_[vi][next++]);
        if (w == vi) cyclic[vi] = 1;  // manages themself
        if (order[w] == kUnvisited) {
          call_stack.emplace_back(static_cast<std::int32_t>(w), 0);
        } else if (on_stack[w]) {
          low[vi] = std::min(low[vi], order[w]);
        }
        continue;
      }
      if (low[vi] == order[vi]) {
        std::vector<std::int32_t> component;
        std::int32_t w = -1;
        do {
          w = component_stack.back();
          component_stack.pop_back();
          on_stack[static_cast<std::size_t>(w)] = 0;
          component.push_back(w);
        } while (w != v);
        if (component.size() > 1) {
          for (std::int32_t member : component) cyclic[static_cast<std::size_t>(member)] = 1;
        }
      }
      const std::int32_t finished_low = low[vi];
      call_stack.pop_back();
      if (!call_stack.empty()) {
        const auto parent = static_cast<std::size_t>(call_stack.back().first);
        low[parent] = std::min(low[parent], finished_low);
      }
    }
  }
  std::vector<std::string> out;
  for (std::size_t p = 0; p < n; ++p) {
    if (cyclic[p]) out.push_back(ids_[p]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mentoring::domain
