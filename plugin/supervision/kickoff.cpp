#include <mentoring/supervision/kickoff.hpp>

#include <algorithm>

namespace mentoring::supervision {

using namespace mentoring::domain;

std::vector<std::string> kickoff_invitees(const std::vector<Enrolment>& enrolments) {
  std::vector<std::string> out;
  for (const auto& e : enrolments) {
    bool said_yes = is_open(e.state) && e.state != EnrolmentState::invited &&
                    e.state != EnrolmentState::eligible;
    if (said_yes && std::find(out.begin(), out.end(), e.person_id) == out.end()) {
      out.push_back(e.person_id);
    }
  }
  return out;
}

bool is_open_mentor(const std::vector<Enrolment>& enrolments, const std::string& person_id) {
  return std::any_of(enrolments.begin(), enrolments.end(), [&](const Enrolment& e) {
    return e.person_id == person_id && e.role == Role::mentor && is_open(e.state);
  });
}

std::vector<NoteHandover> kickoff_note_handovers(const std::set<std::string>& mentors_with_notes,
                                                 const std::vector<Pair>& pairs) {
  std::vector<NoteHandover> out;
  for (const auto& p : pairs) {
    if (p.state == PairState::accepted && mentors_with_notes.count(p.mentor_id)) {
      out.push_back({p.mentor_id, p.mentee_id});
    }
  }
  return out;
}

}  // namespace mentoring::supervision
