#include "mentoring/pairing/manual.hpp"

namespace mentoring::pairing {

using domain::EnrolmentState;

std::string_view to_string(ManualPairRefusal refusal) {
  switch (refusal) {
    case ManualPairRefusal::kNone:
      return "none";
    case ManualPairRefusal::kSamePerson:
      return "same_person";
    case ManualPairRefusal::kMenteeNotWaiting:
      return "mentee_not_waiting";
    case ManualPairRefusal::kMenteeAlreadyPaired:
      return "mentee_already_paired";
    case ManualPairRefusal::kMentorNotAvailable:
      return "mentor_not_available";
    case ManualPairRefusal::kMentorNotTrained:
      return "mentor_not_trained";
    case ManualPairRefusal::kMentorAtCapacity:
      return "mentor_at_capacity";
    case ManualPairRefusal::kManagementChain:
      return "management_chain";
    case ManualPairRefusal::kForbiddenByHr:
      return "forbidden_by_hr";
    case ManualPairRefusal::kDeclinedByMentor:
      return "declined_by_mentor";
  }
  return "?";
}

std::string_view describe(ManualPairRefusal refusal) {
  switch (refusal) {
    case ManualPairRefusal::kNone:
      return "may be paired";
    case ManualPairRefusal::kSamePerson:
      return "mentee and mentor are the same person";
    case ManualPairRefusal::kMenteeNotWaiting:
      return "the mentee is not waiting for a pair";
    case ManualPairRefusal::kMenteeAlreadyPaired:
      return "the mentee already has a running pair";
    case ManualPairRefusal::kMentorNotAvailable:
      return "the mentor cannot take mentees yet";
    case ManualPairRefusal::kMentorNotTrained:
      return "mentor training missing or lapsed";
    case ManualPairRefusal::kMentorAtCapacity:
      return "the mentor is at capacity";
    case ManualPairRefusal::kManagementChain:
      return "in the same management chain";
    case ManualPairRefusal::kForbiddenByHr:
      return "forbidden by HR";
    case ManualPairRefusal::kDeclinedByMentor:
      return "the mentor declined this mentee";
  }
  return "?";
}

std::string_view field_of(ManualPairRefusal refusal) {
  switch (refusal) {
    case ManualPairRefusal::kMenteeNotWaiting:
    case ManualPairRefusal::kMenteeAlreadyPaired:
      return "/mentee_id";
    default:
      return "/mentor_id";
  }
}

bool mentor_can_take_mentees(EnrolmentState state) {
  return state == EnrolmentState::awaiting_pair || state == EnrolmentState::paired ||
         state == EnrolmentState::active;
}

ManualPairRefusal check_manual_pair(const ManualPairFacts& f) {
  if (f.mentee_id == f.mentor_id) return ManualPairRefusal::kSamePerson;
  if (f.mentee_has_running_pair) return ManualPairRefusal::kMenteeAlreadyPaired;
  if (f.mentee_state != EnrolmentState::awaiting_pair) return ManualPairRefusal::kMenteeNotWaiting;
  if (!mentor_can_take_mentees(f.mentor_state)) return ManualPairRefusal::kMentorNotAvailable;
  if (f.training_required && !f.mentor_trained) return ManualPairRefusal::kMentorNotTrained;
  if (f.mentor_running_pairs + f.mentor_open_requests >= f.mentor_capacity)
    return ManualPairRefusal::kMentorAtCapacity;
  if (f.in_management_chain) return ManualPairRefusal::kManagementChain;
  if (f.forbidden_by_hr) return ManualPairRefusal::kForbiddenByHr;
  if (f.declined_by_mentor) return ManualPairRefusal::kDeclinedByMentor;
  return ManualPairRefusal::kNone;
}

std::string explain(ManualPairRefusal refusal, const ManualPairFacts& f) {
  const std::string mentee = f.mentee_id;
  const std::string mentor = f.mentor_id;
  switch (refusal) {
    case ManualPairRefusal::kNone:
      return "";
    case ManualPairRefusal::kSamePerson:
      return mentor + " cannot mentor themself";
    case ManualPairRefusal::kMenteeAlreadyPaired:
      return mentee + " already has a running pair; end it first (withdraw)";
    case ManualPairRefusal::kMenteeNotWaiting:
      return mentee + " is " + std::string(domain::to_string(f.mentee_state)) +
             "; expected awaiting_pair";
    case ManualPairRefusal::kMentorNotAvailable:
      return mentor + " is " + std::string(domain::to_string(f.mentor_state)) +
             "; expected a trained mentor (awaiting_pair, paired or active)";
    case ManualPairRefusal::kMentorNotTrained:
      return mentor +
             "'s mentor training is missing or has lapsed; expected every required course "
             "complete and valid today (or the training module switched off)";
    case ManualPairRefusal::kMentorAtCapacity:
      return mentor + " already mentors " + std::to_string(f.mentor_running_pairs) +
             (f.mentor_open_requests > 0
                  ? " and has " + std::to_string(f.mentor_open_requests) + " open request(s)"
                  : std::string()) +
             " (the programme's capacity is " + std::to_string(f.mentor_capacity) + ")";
    case ManualPairRefusal::kManagementChain:
      return mentor + " is in the management chain of " + mentee + "; a mentor never is";
    case ManualPairRefusal::kForbiddenByHr:
      return "HR forbade pairing " + mentee + " with " + mentor + " (pairing_unforbid lifts it)";
    case ManualPairRefusal::kDeclinedByMentor:
      return mentor + " declined " + mentee + "'s request; they are not paired";
  }
  return "?";
}

StandingProposalFate fate_of_standing_proposal(const std::optional<std::string>& proposed_mentor,
                                               std::string_view chosen_mentor) {
  if (!proposed_mentor) return StandingProposalFate::kNone;
  return *proposed_mentor == chosen_mentor ? StandingProposalFate::kBecomesThePair
                                           : StandingProposalFate::kReplaced;
}

std::string_view to_string(StandingProposalFate fate) {
  switch (fate) {
    case StandingProposalFate::kNone:
      return "none";
    case StandingProposalFate::kBecomesThePair:
      return "becomes_the_pair";
    case StandingProposalFate::kReplaced:
      return "replaced";
  }
  return "?";
}

ForbidRefusal check_forbid(bool pair_running) {
  return pair_running ? ForbidRefusal::kPairRunning : ForbidRefusal::kNone;
}

std::string_view to_string(ForbidRefusal refusal) {
  return refusal == ForbidRefusal::kPairRunning ? "pair_running" : "none";
}

std::string_view describe(ForbidRefusal refusal) {
  return refusal == ForbidRefusal::kPairRunning
             ? "the pair is running; end it first (withdraw the mentee or the mentor), then "
               "forbid it"
             : "may be forbidden";
}

std::optional<MentorAnswer> parse_mentor_answer(std::string_view text) {
  if (text == "accept") return MentorAnswer::kAccept;
  if (text == "decline") return MentorAnswer::kDecline;
  return std::nullopt;
}

std::string_view to_string(MentorAnswer answer) {
  return answer == MentorAnswer::kAccept ? "accept" : "decline";
}

std::string_view to_string(ChoiceRefusal refusal) {
  switch (refusal) {
    case ChoiceRefusal::kNone:
      return "none";
    case ChoiceRefusal::kRequestsNotOffered:
      return "requests_not_offered";
    case ChoiceRefusal::kDeclineNotOffered:
      return "decline_not_offered";
    case ChoiceRefusal::kReasonMissing:
      return "reason_missing";
    case ChoiceRefusal::kNotARequest:
      return "not_a_request";
    case ChoiceRefusal::kAlreadyAnswered:
      return "already_answered";
  }
  return "?";
}

std::string_view describe(ChoiceRefusal refusal) {
  switch (refusal) {
    case ChoiceRefusal::kNone:
      return "allowed";
    case ChoiceRefusal::kRequestsNotOffered:
      return "the programme does not let mentees ask for a mentor "
             "(participant_choice.mentee_requests_mentor)";
    case ChoiceRefusal::kDeclineNotOffered:
      return "the programme does not let mentors decline (participant_choice.mentor_may_decline)";
    case ChoiceRefusal::kReasonMissing:
      return "a decline needs its reason";
    case ChoiceRefusal::kNotARequest:
      return "the proposal was not requested by the mentee";
    case ChoiceRefusal::kAlreadyAnswered:
      return "the request was answered already";
  }
  return "?";
}

ChoiceRefusal check_request(const ChoiceRules& rules) {
  return rules.mentee_requests_mentor ? ChoiceRefusal::kNone : ChoiceRefusal::kRequestsNotOffered;
}

ChoiceRefusal check_answer(const ChoiceRules& rules, MentorAnswer answer, std::string_view reason,
                           bool is_request, bool already_answered) {
  if (!is_request) return ChoiceRefusal::kNotARequest;
  if (already_answered) return ChoiceRefusal::kAlreadyAnswered;
  if (answer == MentorAnswer::kDecline) {
    if (!rules.mentor_may_decline) return ChoiceRefusal::kDeclineNotOffered;
    if (reason.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return ChoiceRefusal::kReasonMissing;
    }
  }
  return ChoiceRefusal::kNone;
}

std::optional<FirstContactBy> parse_first_contact_by(std::string_view text) {
  if (text == "mentee") return FirstContactBy::kMentee;
  if (text == "mentor") return FirstContactBy::kMentor;
  return std::nullopt;
}

std::string first_contact_words(FirstContactBy by, domain::Role member,
                                std::string_view mentee_name, std::string_view mentor_name) {
  const bool mentee_first = by == FirstContactBy::kMentee;
  if (member == domain::Role::mentee) {
    return mentee_first ? "You make first contact: please get in touch with your mentor " +
                              std::string(mentor_name) + " (contact details below)."
                        : "Your mentor " + std::string(mentor_name) + " will be in touch.";
  }
  return mentee_first ? "Your mentee " + std::string(mentee_name) + " will be in touch."
                      : "You make first contact: please get in touch with your mentee " +
                            std::string(mentee_name) + " (contact details below).";
}

}  // namespace mentoring::pairing
