#include <mentoring/overview/overview.hpp>

#include <mentoring/enrolment/lifecycle.hpp>
#include <mentoring/enrolment/plan.hpp>
#include <mentoring/enrolment/rules.hpp>

#include <algorithm>
#include <tuple>

namespace mentoring::overview {

using namespace mentoring::domain;

std::string_view to_string(PairStatus status) {
  switch (status) {
    case PairStatus::on_track:
      return "on_track";
    case PairStatus::overdue:
      return "overdue";
    case PairStatus::missed:
      return "missed";
    case PairStatus::paused_for_leave:
      return "paused_for_leave";
    case PairStatus::ended:
      return "ended";
    case PairStatus::not_tracked:
      return "not_tracked";
  }
  return "?";
}

std::string_view describe(PairStatus status) {
  switch (status) {
    case PairStatus::on_track:
      return "the next meeting is not due yet";
    case PairStatus::overdue:
      return "the next meeting is overdue";
    case PairStatus::missed:
      return "a meeting was missed: overdue by a whole cadence or more";
    case PairStatus::paused_for_leave:
      return "paused while the mentee is on leave";
    case PairStatus::ended:
      return "the pair has ended";
    case PairStatus::not_tracked:
      return "meetings are not followed (the supervision module is switched off)";
  }
  return "?";
}

PairStatus pair_status(const supervision::PairSessionReport& report, int every_weeks) {
  switch (report.status) {
    case supervision::SessionStatus::ended:
      return PairStatus::ended;
    case supervision::SessionStatus::paused_for_leave:
      return PairStatus::paused_for_leave;
    case supervision::SessionStatus::on_track:
      return PairStatus::on_track;
    case supervision::SessionStatus::overdue:
      // By a whole cadence the next meeting would be due as well: that one was missed.
      return report.days_overdue >= 7 * std::max(1, every_weeks) ? PairStatus::missed
                                                                 : PairStatus::overdue;
  }
  return PairStatus::on_track;
}

std::string_view to_string(OverdueKind kind) {
  switch (kind) {
    case OverdueKind::invitation_answer:
      return "invitation_answer";
    case OverdueKind::training:
      return "training";
    case OverdueKind::first_contact:
      return "first_contact";
    case OverdueKind::pair_session:
      return "pair_session";
    case OverdueKind::return_step:
      return "return_step";
  }
  return "?";
}

std::string_view describe(OverdueKind kind) {
  switch (kind) {
    case OverdueKind::invitation_answer:
      return "no answer to the invitation by its answer date";
    case OverdueKind::training:
      return "required training not done by its deadline";
    case OverdueKind::first_contact:
      return "no first contact recorded in the new pair";
    case OverdueKind::pair_session:
      return "the pair's next meeting is overdue";
    case OverdueKind::return_step:
      return "a return-to-work step of the line manager is overdue";
  }
  return "?";
}

namespace {

std::string joined_gaps(const training::TrainingStatus& status) {
  std::string out;
  for (const auto* course : status.gaps()) out += (out.empty() ? "" : ",") + course->course_id;
  return out;
}

void add_pair(ProgrammeOverview& out, const PairFacts& p, Date today) {
  const Pair& pair = p.pair;
  if (pair.state == PairState::proposed || !pair.accepted_on) return;  // not a pair yet
  PairRow row;
  row.pair = &pair;
  row.started_on = pair.accepted_on;
  if (p.sessions) {
    const auto& r = p.sessions->report;
    row.last_meeting_on = r.last_held;
    row.held = r.held;
    row.missed_meetings = p.sessions->missed;
  }
  if (pair.state == PairState::ended) {
    row.status = PairStatus::ended;
  } else if (!p.sessions) {
    row.status = PairStatus::not_tracked;
  } else {
    const auto& r = p.sessions->report;
    row.status = pair_status(r, p.sessions->every_weeks);
    if (row.status != PairStatus::ended) {
      row.next_meeting_on = r.next_due;
      row.next_agreed = r.next_agreed;
      if (r.next_agreed) row.next_start_minutes = p.sessions->next_start_minutes;
    }
    row.resumes_on = r.resumes_on;
    if (r.first_contact_missing) {
      out.overdue.push_back({OverdueKind::first_contact, pair.mentee_id, std::to_string(pair.id),
                             r.first_contact_due, days_between(r.first_contact_due, today),
                             pair.id});
    }
    if (r.overdue) {
      out.overdue.push_back({OverdueKind::pair_session, pair.mentee_id, std::to_string(pair.id),
                             r.next_due, r.days_overdue, pair.id});
    }
  }
  out.pairs.push_back(row);
}

}  // namespace

ProgrammeOverview programme_overview(const ProgrammeFacts& facts, Date today) {
  ProgrammeOverview out;
  const Programme& programme = *facts.programme;
  for (const auto& e : facts.enrolments) {
    if (e.programme_id != programme.id) continue;
    const std::string state(domain::to_string(e.state));
    ++out.enrolments_by_state[state];
    ++out.enrolments_by_role[std::string(domain::to_string(e.role))][state];
    if (e.state != EnrolmentState::invited || !e.respond_by) continue;
    OpenInvitation invitation;
    invitation.enrolment = &e;
    invitation.invited_on = *enrolment::invited_on(programme, e);
    invitation.respond_by = *e.respond_by;
    auto sent = facts.reminders_sent.find(e.id);
    invitation.reminders = sent != facts.reminders_sent.end() ? sent->second : 0;
    invitation.overdue = enrolment::answer_overdue(e, today);
    out.open_invitations.push_back(invitation);
    if (invitation.overdue) {
      out.overdue.push_back({OverdueKind::invitation_answer, e.person_id,
                             std::string(domain::to_string(e.role)), *e.respond_by,
                             days_between(*e.respond_by, today), std::nullopt});
    }
  }
  std::stable_sort(out.open_invitations.begin(), out.open_invitations.end(),
                   [](const OpenInvitation& a, const OpenInvitation& b) {
                     return std::tie(a.respond_by, a.enrolment->id) <
                            std::tie(b.respond_by, b.enrolment->id);
                   });

  int position = 0;
  for (const Enrolment* e : enrolment::waiting_list(programme, facts.leaves, facts.enrolments))
    out.waiting_list.push_back({e, e->created_on, ++position});

  for (const auto& p : facts.pairs) {
    if (p.pair.programme_id == programme.id) add_pair(out, p, today);
  }
  std::sort(out.pairs.begin(), out.pairs.end(),
            [](const PairRow& a, const PairRow& b) { return a.pair->id < b.pair->id; });

  for (const auto& t : facts.trainees) {
    const training::Trainee trainee{t.enrolment.person_id, training::training_since(t.enrolment)};
    if (auto due = training::training_overdue_since(t.rules, trainee, t.status, today)) {
      out.overdue.push_back({OverdueKind::training, t.enrolment.person_id, joined_gaps(t.status),
                             *due, days_between(*due, today), std::nullopt});
    }
  }
  for (const auto& s : facts.return_steps) {
    const auto view = return_to_work::view_of(s.record, today);
    if (view.overdue) {
      out.overdue.push_back({OverdueKind::return_step, s.person_id, s.record.step_id,
                             s.record.due_on, view.days_overdue, std::nullopt});
    }
  }
  std::stable_sort(out.overdue.begin(), out.overdue.end(),
                   [](const OverdueItem& a, const OverdueItem& b) {
                     return std::tie(a.due_on, a.kind, a.person_id, a.what) <
                            std::tie(b.due_on, b.kind, b.person_id, b.what);
                   });
  return out;
}

}  // namespace mentoring::overview
