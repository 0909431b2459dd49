// The signed link: HMAC-SHA256 by OpenSSL (one-shot HMAC()), compared with
// CRYPTO_memcmp; base64url by OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock with
// the two characters swapped and the padding left off.
#include <mentoring/links/links.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <stdexcept>
#include <vector>

namespace mentoring::links {

namespace {

constexpr char kVersion[] = "1";
constexpr char kSeparator = '\x1f';  // the ASCII unit separator: never in a claim
constexpr std::size_t kFields =
    7;  // version, organisation, purpose, subject, person, expiry, nonce

std::string random_bytes(std::size_t count, const char* what) {
  std::string bytes(count, '\0');
  std::size_t filled = 0;
  while (filled < count) {
    ssize_t got = getrandom(bytes.data() + filled, count - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      throw std::runtime_error(std::string("links: the kernel gave no random bytes for ") + what);
    filled += static_cast<std::size_t>(got);
  }
  return bytes;
}

std::string base64url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& ch : out) {
    if (ch == '+') ch = '-';
    if (ch == '/') ch = '_';
  }
  return out;
}

bool base64url_char(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '-' || ch == '_';
}

std::optional<std::string> from_base64url(std::string_view text) {
  if (text.empty() || text.size() % 4 == 1) return std::nullopt;
  std::string padded(text);
  for (char& ch : padded) {
    if (!base64url_char(ch)) return std::nullopt;
    if (ch == '-') ch = '+';
    if (ch == '_') ch = '/';
  }
  const std::size_t pad = (4 - padded.size() % 4) % 4;
  padded.append(pad, '=');
  std::string out(padded.size() / 4 * 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(padded.data()),
                                      static_cast<int>(padded.size()));
  if (written < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(written) - pad);
  // Only the one canonical spelling: the last character's unused low bits must
  // be zero, or several texts would decode to one signature (a changed last
  // character of a link would still be accepted).
  if (base64url(out) != text) return std::nullopt;
  return out;
}

std::string mac(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data(), &size))
    throw std::runtime_error("links: OpenSSL could not compute an HMAC-SHA256");
  return std::string(reinterpret_cast<const char*>(digest.data()), size);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t at = 0;
  for (;;) {
    const std::size_t next = text.find(separator, at);
    parts.push_back(text.substr(at, next == std::string_view::npos ? next : next - at));
    if (next == std::string_view::npos) return parts;
    at = next + 1;
  }
}

void require_carried(std::string_view value, const char* claim, bool may_be_empty = false) {
  if (value.empty() && !may_be_empty)
    throw std::invalid_argument(std::string("links: the ") + claim + " claim is empty");
  for (char ch : value) {
    if (static_cast<unsigned char>(ch) < 0x20)
      throw std::invalid_argument(std::string("links: the ") + claim +
                                  " claim holds a control character");
  }
}

}  // namespace

std::string_view to_string(Purpose purpose) noexcept {
  switch (purpose) {
    case Purpose::invitation:
      return "invitation";
    case Purpose::mentor_proposal:
      return "mentor_proposal";
    case Purpose::pair:
      return "pair";
    case Purpose::survey:
      return "survey";
  }
  return "invitation";
}

std::optional<Purpose> purpose_from_string(std::string_view text) noexcept {
  for (auto p : {Purpose::invitation, Purpose::mentor_proposal, Purpose::pair, Purpose::survey}) {
    if (to_string(p) == text) return p;
  }
  return std::nullopt;
}

bool single_use(Purpose purpose) noexcept {
  return purpose != Purpose::pair;
}

std::string_view to_string(Refusal refusal) noexcept {
  switch (refusal) {
    case Refusal::malformed:
      return "malformed";
    case Refusal::forged:
      return "forged";
    case Refusal::expired:
      return "expired";
    case Refusal::used:
      return "used";
    case Refusal::other_organisation:
      return "other_organisation";
    case Refusal::withdrawn:
      return "withdrawn";
    case Refusal::gone:
      return "gone";
  }
  return "malformed";
}

std::string_view describe(Refusal refusal) noexcept {
  switch (refusal) {
    case Refusal::malformed:
      return "This link is incomplete or damaged; please open it again from your e-mail, whole.";
    case Refusal::forged:
      return "This link was not made by your mentoring programme, or it was changed; it does "
             "nothing.";
    case Refusal::expired:
      return "This link has expired; please ask your programme manager if you still need it.";
    case Refusal::used:
      return "This link has been used already; each such link works once.";
    case Refusal::other_organisation:
      return "This link belongs to another organisation's mentoring programme.";
    case Refusal::withdrawn:
      return "What this link was for is no longer open (it was withdrawn or has ended).";
    case Refusal::gone:
      return "What this link was about no longer exists.";
  }
  return "This link does not work.";
}

std::string new_key() {
  return random_bytes(kKeyBytes, "a link key");
}

std::string new_nonce() {
  return base64url(random_bytes(16, "a link nonce"));
}

std::string sign(const Claims& claims, std::string_view key) {
  require_carried(claims.organisation, "organisation");
  require_carried(claims.subject, "subject");
  require_carried(claims.nonce, "nonce");
  if (claims.person) require_carried(*claims.person, "person");
  if (key.empty()) throw std::invalid_argument("links: an empty key signs nothing");
  std::string text = kVersion;
  // Named, so the views below outlive the loop (temporaries would not).
  const std::string person = claims.person.value_or("");
  const std::string expires_on = domain::format_date(claims.expires_on);
  for (std::string_view field : {std::string_view(claims.organisation), to_string(claims.purpose),
                                 std::string_view(claims.subject), std::string_view(person),
                                 std::string_view(expires_on), std::string_view(claims.nonce)}) {
    text += kSeparator;
    text += field;
  }
  const std::string body = base64url(text);
  std::string token = body + "." + base64url(mac(key, body));
  if (token.size() > kMaxTokenLength)
    throw std::invalid_argument("links: a token of " + std::to_string(token.size()) +
                                " characters; at most " + std::to_string(kMaxTokenLength) +
                                " fit a link (shorter claims)");
  return token;
}

Verification verify(std::string_view token, std::string_view organisation, std::string_view key,
                    Date today) {
  auto refuse = [](Refusal r) { return Verification{std::nullopt, r, std::nullopt}; };
  if (token.empty() || token.size() > kMaxTokenLength) return refuse(Refusal::malformed);
  const auto parts = split(token, '.');
  if (parts.size() != 2) return refuse(Refusal::malformed);
  const auto text = from_base64url(parts[0]);
  const auto signature = from_base64url(parts[1]);
  if (!text || !signature) return refuse(Refusal::malformed);
  const auto fields = split(*text, kSeparator);
  if (fields.size() != kFields || fields[0] != kVersion) return refuse(Refusal::malformed);
  Claims claims;
  claims.organisation = fields[1];
  const auto purpose = purpose_from_string(fields[2]);
  const auto expires_on = domain::parse_date(fields[5]);
  if (!purpose || !expires_on || claims.organisation.empty() || fields[3].empty() ||
      fields[6].empty())
    return refuse(Refusal::malformed);
  claims.purpose = *purpose;
  claims.subject = fields[3];
  if (!fields[4].empty()) claims.person = std::string(fields[4]);
  claims.expires_on = *expires_on;
  claims.nonce = fields[6];
  if (claims.organisation != organisation) return refuse(Refusal::other_organisation);
  if (key.empty()) return refuse(Refusal::forged);  // no key yet: this organisation made no link
  const std::string expected = mac(key, parts[0]);
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
    return refuse(Refusal::forged);
  if (claims.expires_on < today) return {std::nullopt, Refusal::expired, claims};
  return {claims, std::nullopt, std::nullopt};
}

std::optional<Purpose> purpose_for(domain::ActionTopic topic, std::string_view calendar_kind) {
  using domain::ActionTopic;
  switch (topic) {
    case ActionTopic::invitation:
    case ActionTopic::mentor_invitation:
    case ActionTopic::invitation_reminder:
      return Purpose::invitation;
    case ActionTopic::pair_request:
      return Purpose::mentor_proposal;
    case ActionTopic::paired:
    case ActionTopic::pair_overdue:
    case ActionTopic::leave_change:  // to each member of a pair whose dates moved
    case ActionTopic::touchpoint:    // a paired mentee's touchpoints (none carry one before)
      return Purpose::pair;
    case ActionTopic::calendar:
      if (calendar_kind == "pair_session") return Purpose::pair;
      return std::nullopt;
    case ActionTopic::evaluation_survey:
      return Purpose::survey;
    default:
      return std::nullopt;
  }
}

Date invitation_link_expiry(Date respond_by) {
  return respond_by + std::chrono::days{kInvitationGraceDays};
}

Date mentor_proposal_link_expiry(Date sent_on) {
  return sent_on + std::chrono::days{kMentorProposalDays};
}

Date pair_link_expiry(Date sent_on, std::optional<Date> mentorship_ends_on) {
  if (!mentorship_ends_on || *mentorship_ends_on < sent_on)
    return sent_on + std::chrono::days{kPairDaysWithoutEnd};
  return *mentorship_ends_on + std::chrono::days{kPairDaysAfterEnd};
}

Date survey_link_expiry(Date sent_on) {
  return sent_on + std::chrono::days{kSurveyDays};
}

std::string default_consent_text(std::string_view role, std::string_view programme_name) {
  const std::string programme(programme_name);
  if (role == "mentor")
    return "I agree to mentor a colleague in " + programme +
           ". Taking part is voluntary and I may stop at any time. The programme keeps my "
           "name, contact details and the dates of our meetings; what we discuss stays "
           "between my mentee and me.";
  return "I agree to take part in " + programme +
         ". Taking part is voluntary and I may withdraw at any time. The programme keeps my "
         "name, contact details, leave dates and the dates of my meetings; my goal, wishes "
         "and our notes are shared with my mentor only, and my survey answers are anonymous.";
}

}  // namespace mentoring::links
