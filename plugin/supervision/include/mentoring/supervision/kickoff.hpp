// mentoring/supervision/kickoff.hpp — the programme's kick-off: who is invited
// and which mentee receives the note of a mentor who cannot come. Pure.
//
//   auto invited = kickoff_invitees(enrolments);              // the calendar event's attendees
//   for (auto& h : kickoff_note_handovers(mentors_with_notes, pairs)) notify(h.mentee_id, ...);
#pragma once

#include <mentoring/domain/records.hpp>

#include <set>
#include <string>
#include <vector>

namespace mentoring::supervision {

// Everyone who said yes to the programme: open enrolments past the invitation
// (not eligible, not invited), each person once, in enrolment order.
std::vector<std::string> kickoff_invitees(const std::vector<domain::Enrolment>& enrolments);

// Whether the person is an open mentor of the programme (who may leave a note).
bool is_open_mentor(const std::vector<domain::Enrolment>& enrolments, const std::string& person_id);

struct NoteHandover {
  std::string mentor_id;
  std::string mentee_id;
};
// A mentor's kick-off note goes to each mentee of an accepted pair of theirs.
std::vector<NoteHandover> kickoff_note_handovers(const std::set<std::string>& mentors_with_notes,
                                                 const std::vector<domain::Pair>& pairs);

}  // namespace mentoring::supervision
