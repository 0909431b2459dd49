#include <mentoring/store/org_store.hpp>

#include <mentoring/store/migrations.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/store_revision.hpp>

namespace mentoring::store {

using namespace mentoring::domain;

OrgStore::OrgStore(const std::filesystem::path& directory, const std::string& organisation)
    : session_(directory, organisation),
      db_(session_.database()),
      people_(session_),
      cursors_(session_),
      leave_(session_),
      pairs_(session_),
      enrolments_(session_) {}

int OrgStore::schema_version() {
  return current_version(db_);
}

void OrgStore::upsert(const Person& p) {
  people_.upsert(p);
}

void OrgStore::upsert_listed(const Person& p, const std::string& adapter,
                             const std::string& read_id) {
  people_.upsert_listed(p, adapter, read_id);
}

UpsertOutcome OrgStore::upsert(const Leave& l) {
  return leave_.upsert(l);
}

UpsertOutcome OrgStore::upsert(const CourseCompletion& c) {
  return leave_.upsert(c);
}

bool OrgStore::has_person(const std::string& id) {
  return people_.has_person(id);
}

void OrgStore::for_each_present_person(const std::function<void(std::string_view)>& visit) {
  people_.for_each_present_person(visit);
}

bool OrgStore::insert_new_leave(const Leave& l) {
  return leave_.insert_new_leave(l);
}

std::vector<std::string> OrgStore::unlisted_after(const std::string& adapter,
                                                  const std::string& read_id) {
  return people_.unlisted_after(adapter, read_id);
}

void OrgStore::mark_absent(const std::vector<std::string>& person_ids, Date since) {
  people_.mark_absent(person_ids, since);
}

std::int64_t OrgStore::listed_count(const std::string& adapter) {
  return people_.listed_count(adapter);
}

bool OrgStore::unlist(const std::string& adapter, const std::string& person_id) {
  return people_.unlist(adapter, person_id);
}

std::optional<std::string> OrgStore::cursor(const std::string& adapter, const std::string& stream) {
  return cursors_.cursor(adapter, stream);
}

void OrgStore::set_cursor(const std::string& adapter, const std::string& stream,
                          const std::string& cursor) {
  cursors_.set_cursor(adapter, stream, cursor);
}

std::vector<Leave> OrgStore::leaves_for_planning(Date from) {
  return leave_.leaves_for_planning(from);
}

std::vector<Leave> OrgStore::leaves_for_planning(Date first, Date last,
                                                 const std::string& programme_id) {
  return leave_.leaves_for_planning(first, last, programme_id);
}

std::optional<Leave> OrgStore::leave(const std::string& id) {
  return leave_.leave(id);
}

std::vector<Leave> OrgStore::leaves_of(const std::string& person_id) {
  return leave_.leaves_of(person_id);
}

std::optional<std::string> OrgStore::overlapping_leave(const Leave& l) {
  return leave_.overlapping_leave(l);
}

std::vector<CourseCompletion> OrgStore::completions_of(const std::string& person_id) {
  return leave_.completions_of(person_id);
}

std::vector<ManagerLink> OrgStore::managers() {
  return people_.managers();
}

std::vector<std::string> OrgStore::managers_of(const std::string& person_id) {
  return people_.managers_of(person_id);
}

std::vector<std::string> OrgStore::manager_links_of(const std::string& person_id) {
  return people_.manager_links_of(person_id);
}

std::vector<PersonCandidate> OrgStore::people_known_as(const std::string& id_or_number) {
  return people_.people_known_as(id_or_number);
}

std::map<std::string, Person> OrgStore::people(const std::set<std::string>& ids) {
  return people_.people(ids);
}

std::vector<Enrolment> OrgStore::enrolments(const std::string& programme_id) {
  return enrolments_.enrolments(programme_id);
}

std::vector<Enrolment> OrgStore::enrolments_of(const std::string& person_id) {
  return enrolments_.enrolments_of(person_id);
}

std::optional<Enrolment> OrgStore::enrolment(std::int64_t id) {
  return enrolments_.enrolment(id);
}

std::vector<Enrolment> OrgStore::enrolments_in(const std::vector<EnrolmentState>& states) {
  return enrolments_.enrolments_in(states);
}

std::vector<Enrolment> OrgStore::enrolments_in_states(const std::string& programme_id,
                                                      const std::vector<EnrolmentState>& states,
                                                      std::optional<Role> role) {
  return enrolments_.enrolments_in_states(programme_id, states, role);
}

std::int64_t OrgStore::count_enrolments_in(EnrolmentState state) {
  return enrolments_.count_enrolments_in(state);
}

std::vector<OrgStore::StateCount> OrgStore::count_enrolment_states(
    const std::string& programme_id) {
  return enrolments_.count_enrolment_states(programme_id);
}

void OrgStore::update_details(const Enrolment& e, const std::string& at) {
  enrolments_.update_details(e, at);
}

void OrgStore::set_goal(std::int64_t enrolment_id, const std::string& goal,
                        const std::string& wishes) {
  enrolments_.set_goal(enrolment_id, goal, wishes);
}

std::int64_t OrgStore::insert_enrolment(const Enrolment& e, const std::string& at,
                                        const std::string& cause) {
  return enrolments_.insert_enrolment(e, at, cause);
}

void OrgStore::transition(std::int64_t enrolment_id, EnrolmentState to, const std::string& at,
                          const std::string& cause, std::optional<Phase> phase) {
  enrolments_.transition(enrolment_id, to, at, cause, phase);
}

std::vector<Transition> OrgStore::history(const std::string& person_id) {
  return enrolments_.history(person_id);
}

std::vector<OrgStore::Touchpoint> OrgStore::touchpoints(std::int64_t enrolment_id) {
  return enrolments_.touchpoints(enrolment_id);
}

std::pair<int, bool> OrgStore::schedule_touchpoint(std::int64_t enrolment_id,
                                                   const std::string& name, Date due) {
  return enrolments_.schedule_touchpoint(enrolment_id, name, due);
}

void OrgStore::cancel_touchpoint(std::int64_t enrolment_id, const std::string& name) {
  enrolments_.cancel_touchpoint(enrolment_id, name);
}

Counts OrgStore::counts() {
  Counts c;
  c.people = people_.count_present();
  c.absent_people = people_.count_absent();
  c.leave = leave_.count_leave();
  c.course_completions = leave_.count_completions();
  c.open_invitations = enrolments_.count_enrolments_in(EnrolmentState::invited);
  c.pending_actions = SqliteOutboxRepository(session_).count(OutboxState::pending);
  return c;
}

Counts OrgStore::totals() {
  Counts c;
  c.people = people_.count_present();
  c.leave = leave_.count_leave();
  c.course_completions = leave_.count_completions();
  c.open_invitations = enrolments_.count_enrolments_in(EnrolmentState::invited);
  return c;
}

}  // namespace mentoring::store
