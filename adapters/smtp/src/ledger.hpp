// The ledger of mails this adapter instance had accepted by the SMTP server:
// one JSON line per mail in the host's storage folder (file mode 0600), read
// at start, so a mail is never sent twice for one idempotency key — also
// after a restart. An invitation's line keeps its recipient, so that a later
// withdraw_invitation (which names no address) reaches the same person.
//
//   Ledger ledger(storage + "/smtp-mail.sent.jsonl");
//   if (ledger.find(key)) return duplicate;
//   ... server answered 250 to DATA ...
//   ledger.record({key, person_id, address, name, at, message_id});
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

namespace mentoring::adapters::smtp {

struct LedgerEntry {
  std::string key;  // the action's idempotency key (+ " " + person id for one attendee)
  std::string person_id;
  std::string address;
  std::string name;
  std::string at;  // RFC 5322 date the server accepted it
  std::string message_id;
};

class Ledger {
 public:
  // path "" keeps the ledger in memory only (no storage folder). Throws
  // std::runtime_error naming the file when it cannot be read or is too large.
  explicit Ledger(std::string path);

  const LedgerEntry* find(const std::string& key) const;
  // Appends and flushes to disk before returning; throws std::runtime_error
  // naming the file when that fails.
  void record(const LedgerEntry& entry);
  const std::string& path() const { return path_; }

  // A ledger larger than this is refused at start (bounded reading).
  static constexpr std::size_t kMaxBytes = std::size_t{512} << 20;

 private:
  std::string path_;
  std::map<std::string, LedgerEntry> entries_;
};

}  // namespace mentoring::adapters::smtp
