// mentoring/links/links.hpp — the signed link in every e-mail: what it lets
// its holder do (a purpose), about what (a subject) and as whom (a person;
// none for an anonymous survey), until when; signed with HMAC-SHA256 under
// the organisation's own random key, so nobody can make or change one.
//
//   Claims claims{"northwind", Purpose::invitation, "42", "E1", expiry, new_nonce()};
//   std::string token = sign(claims, key);                // in the e-mail's URL
//   Verification v = verify(token, "northwind", key, today);
//   if (v.refusal) ... describe(*v.refusal) ...; else v.claims->subject ...
//
// Token: base64url(claims) "." base64url(HMAC-SHA256(key, base64url(claims))),
// characters [A-Za-z0-9_.-] only, at most kMaxTokenLength. Pure functions
// (the key, the nonce and today are passed in; new_key/new_nonce read the
// kernel's random generator).
#pragma once

#include <mentoring/domain/action_key.hpp>
#include <mentoring/domain/date.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace mentoring::links {

using domain::Date;

// What a link lets its holder do.
enum class Purpose {
  invitation,       // answer an invitation (accept with consent, or decline); single use
  mentor_proposal,  // a mentor accepts or declines a mentee who asked them; single use
  pair,             // the pair's own page: view, log a meeting, move the next; until expiry
  survey,           // answer an evaluation survey anonymously; single use
};
std::string_view to_string(Purpose purpose) noexcept;
std::optional<Purpose> purpose_from_string(std::string_view text) noexcept;
// Spent by its first successful use.
bool single_use(Purpose purpose) noexcept;

struct Claims {
  std::string organisation;
  Purpose purpose = Purpose::invitation;
  // invitation: the enrolment id; mentor_proposal and pair: the pair id; survey: the survey token.
  std::string subject;
  std::optional<std::string> person;  // who acts; none for a survey (the answer is anonymous)
  Date expires_on{};                  // the last day the link works
  std::string nonce;                  // random: two links never look alike; names a spent link
  bool operator==(const Claims&) const = default;
};

// Why a link does not work (link_open / link_act answer these values).
enum class Refusal {
  malformed,           // not a token this plugin makes (cut short, wrong characters, too long)
  forged,              // the signature does not match the claims (changed, or made elsewhere)
  expired,             // past its last day
  used,                // a single-use link already used
  other_organisation,  // made by another organisation
  withdrawn,           // what it answers is no longer open (invitation withdrawn, pair ended, ...)
  gone,                // what it is about no longer exists (erased, or not in the programme)
};
std::string_view to_string(Refusal refusal) noexcept;
// One sentence for the page the person sees.
std::string_view describe(Refusal refusal) noexcept;

inline constexpr std::size_t kMaxTokenLength = 400;
inline constexpr std::size_t kKeyBytes = 32;

// A new signing key (kKeyBytes random bytes) and a new nonce (128 random bits, base64url).
// Throw std::runtime_error when the kernel gives no random bytes.
std::string new_key();
std::string new_nonce();

// The token of the claims under key. Throws std::invalid_argument when a claim
// cannot be carried (an empty organisation, subject or nonce, a control
// character in one) or the token would be longer than kMaxTokenLength.
std::string sign(const Claims& claims, std::string_view key);

struct Verification {
  std::optional<Claims> claims;      // set when the link works today
  std::optional<Refusal> refusal;    // set when it does not
  std::optional<Claims> unverified;  // the claims read when the refusal is expired (signature good)
};

// Checks a token for `organisation` under its key on `today`: malformed, then
// another organisation's, then forged (compared in constant time), then expired.
// Whether it was used, withdrawn or gone is the shell's to ask of the store.
Verification verify(std::string_view token, std::string_view organisation, std::string_view key,
                    Date today);

// --- which action carries which link, and for how long ---------------------------

// The purpose of the link an action about `topic` carries; none for actions
// that are not a participant's e-mail with something to do (tasks for managers,
// course enrolments, group memberships ...). `calendar_kind` is a calendar
// event's payload kind ("pair_session", "supervision", ...), for ActionTopic::calendar.
std::optional<Purpose> purpose_for(domain::ActionTopic topic, std::string_view calendar_kind = "");

// Days an invitation link still works after its respond_by: an answer a few
// days late is still taken while the invitation is open (the enrolment rules
// decide whether it is; the link only ends later).
inline constexpr int kInvitationGraceDays = 7;
// A mentor's proposal link: a request has no respond-by date.
inline constexpr int kMentorProposalDays = 30;
// A pair link works until the mentorship's planned end and this long after it
// (the last meeting may be logged late); without a planned end, kPairDaysWithoutEnd.
inline constexpr int kPairDaysAfterEnd = 30;
inline constexpr int kPairDaysWithoutEnd = 365;
// A survey link: long enough for a busy return to work.
inline constexpr int kSurveyDays = 60;

Date invitation_link_expiry(Date respond_by);
Date mentor_proposal_link_expiry(Date sent_on);
Date pair_link_expiry(Date sent_on, std::optional<Date> mentorship_ends_on);
Date survey_link_expiry(Date sent_on);

// What an invitation's page shows above "I agree" when the programme's
// definition sets no consent_text for the role ("mentee" or "mentor").
std::string default_consent_text(std::string_view role, std::string_view programme_name);

}  // namespace mentoring::links
