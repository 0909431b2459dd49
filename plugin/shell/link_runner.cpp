// The signed links in the plugin shell: make them for the actions that carry
// one, open them (link_open: is it valid, and what the page shows) and act
// through them (link_act: the underlying command run as the link's person, so
// its own checks apply, the single-use link spent in the same transaction).
#include "link_runner.hpp"

#include "session_runners.hpp"

#include <mentoring/evaluation/tokens.hpp>
#include <mentoring/store/evaluation_repository.hpp>
#include <mentoring/store/link_repository.hpp>
#include <mentoring/store/outbox_repository.hpp>
#include <mentoring/store/pair_repository.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;
using links::Purpose;
using links::Refusal;

json make_link(const RunContext& c, Purpose purpose, const std::string& subject,
               const std::optional<std::string>& person, Date expires_on) {
  store::SqliteLinkRepository store(c.store.session());
  std::string key = store.key();
  if (key.empty()) key = store.key_or_create(links::new_key(), c.now);
  links::Claims claims{c.organisation, purpose, subject, person, expires_on, links::new_nonce()};
  return {{"purpose", std::string(links::to_string(purpose))},
          {"token", links::sign(claims, key)},
          {"expires_on", format_date(expires_on)}};
}

json pair_link(const RunContext& c, const Pair& pair, const std::string& member) {
  std::optional<Date> ends_on;
  if (auto mentee = c.store.enrolment(pair.mentee_enrolment_id)) ends_on = mentee->ends_on;
  return make_link(c, Purpose::pair, std::to_string(pair.id), member,
                   links::pair_link_expiry(c.today, ends_on));
}

int forget_delivered_links(RunContext& c) {
  store::SqliteOutboxRepository outbox(c.store.session());
  int cleaned = outbox.forget_delivered("$.payload.link.token", "");
  // A calendar event's attendees each carry their own (a pair and its touchpoints: a few).
  for (int i = 0; i < kMaxAttendeeLinks; ++i)
    cleaned +=
        outbox.forget_delivered("$.payload.attendees[" + std::to_string(i) + "].link.token", "");
  return cleaned;
}

namespace {

constexpr const char* kOpen = "link_open";
constexpr const char* kAct = "link_act";
constexpr std::size_t kMaxAnswerText = 20000;  // goal, wishes, reason, notes

// What a link is about today: refused (with the outcome of a used one), or
// valid with the person, the view and what link_act needs.
struct Assessment {
  std::optional<Refusal> refusal;
  json used;  // {"outcome", "on"} of a used link
  links::Claims claims;
  json person = nullptr;  // {"person_id", "name"}; null for a survey
  json view = json::object();
  const Programme* programme = nullptr;
  std::optional<Enrolment> enrolment;  // invitation
  std::optional<Pair> pair;            // mentor_proposal, pair
  std::string role;                    // the person's: mentee | mentor
};

Assessment refused(Refusal r, json used = nullptr) {
  Assessment a;
  a.refusal = r;
  a.used = std::move(used);
  return a;
}

json used_outcome(const std::string& outcome, const std::optional<std::string>& on) {
  return {{"outcome", outcome}, {"on", on ? json(*on) : json(nullptr)}};
}

const Programme* programme_of(const RunContext& c, const std::string& id) {
  for (const auto& p : c.programmes) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const json* definition_of(const RunContext& c, const std::string& programme_id) {
  for (const auto& d : c.programme_definitions) {
    if (d.value("id", "") == programme_id) return &d;
  }
  return nullptr;
}

json programme_json(const Programme& p) {
  return {{"id", p.id}, {"name", p.name}};
}

std::optional<Person> person_of(RunContext& c, const std::string& id) {
  auto found = c.store.people({id});
  if (found.empty()) return std::nullopt;
  return found.begin()->second;
}

std::optional<Pair> pair_of(RunContext& c, const std::string& subject) {
  std::int64_t id = 0;
  try {
    std::size_t used = 0;
    id = std::stoll(subject, &used);
    if (used != subject.size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  for (const auto& p : c.store.pairs()) {
    if (p.id == id) return p;
  }
  return std::nullopt;
}

domain::Caller participant(const std::string& person_id, const std::string& role,
                           const std::string& name) {
  return {role == "mentor" ? CallerRole::mentor : CallerRole::mentee, person_id,
          name + " (by their link)"};
}

// The day the person's enrolment of this programme and role last reached `state`.
std::optional<std::string> day_reached(RunContext& c, const Enrolment& e, std::string_view state) {
  std::optional<std::string> day;
  for (const auto& t : c.store.history(e.person_id)) {
    if (t.programme_id == e.programme_id && t.role == to_string(e.role) && t.to_state == state)
      day = t.at.substr(0, 10);
  }
  return day;
}

// --- per purpose: is what the link is about still open, and what the page shows ----------

void assess_invitation(RunContext& c, Assessment& a) {
  std::int64_t id = 0;
  try {
    id = std::stoll(a.claims.subject);
  } catch (const std::exception&) {
    a.refusal = Refusal::gone;
    return;
  }
  auto e = c.store.enrolment(id);
  const Programme* programme = e ? programme_of(c, e->programme_id) : nullptr;
  auto who = e ? person_of(c, e->person_id) : std::nullopt;
  if (!e || !programme || !who || e->person_id != a.claims.person.value_or("")) {
    a.refusal = Refusal::gone;
    return;
  }
  if (e->state == EnrolmentState::declined) {
    a.refusal = Refusal::used;
    a.used = used_outcome("declined", day_reached(c, *e, "declined"));
    return;
  }
  if (e->state == EnrolmentState::withdrawn || e->state == EnrolmentState::expired ||
      e->state == EnrolmentState::eligible) {
    a.refusal = Refusal::withdrawn;
    return;
  }
  if (e->state != EnrolmentState::invited) {  // answered already, another way (eg through HR)
    a.refusal = Refusal::used;
    a.used = used_outcome("accepted", day_reached(c, *e, "consented"));
    return;
  }
  a.programme = programme;
  a.enrolment = e;
  a.role = std::string(to_string(e->role));
  a.person = {{"person_id", who->id}, {"name", who->name}};
  std::string consent = links::default_consent_text(a.role, programme->name);
  if (const json* d = definition_of(c, programme->id)) {
    const json texts = d->value("consent_text", json::object());
    if (texts.contains(a.role)) consent = texts[a.role].get<std::string>();
  }
  const bool mentee = e->role == Role::mentee;
  a.view = {{"programme", programme_json(*programme)},
            {"role", a.role},
            {"respond_by", e->respond_by ? json(format_date(*e->respond_by)) : json(nullptr)},
            {"consent_text", consent},
            {"asks_goal", mentee},
            {"asks_wishes", mentee}};
}

std::string criterion_words(const std::string& criterion, double contribution) {
  std::string words = criterion;
  std::replace(words.begin(), words.end(), '_', ' ');
  char amount[32];
  std::snprintf(amount, sizeof amount, "%.2f", contribution);
  return words + ": adds " + amount + " to the match's score";
}

void assess_mentor_proposal(RunContext& c, Assessment& a) {
  auto pair = pair_of(c, a.claims.subject);
  const Programme* programme = pair ? programme_of(c, pair->programme_id) : nullptr;
  auto mentor = pair ? person_of(c, pair->mentor_id) : std::nullopt;
  auto mentee = pair ? person_of(c, pair->mentee_id) : std::nullopt;
  if (!pair || !programme || !mentor || !mentee ||
      pair->mentor_id != a.claims.person.value_or("")) {
    a.refusal = Refusal::gone;
    return;
  }
  store::PairRepository& ps = c.store.pair_repository();
  const auto request = ps.request(pair->id);
  if (request && request->answer) {  // answered already, another way
    a.refusal = Refusal::used;
    a.used = used_outcome(*request->answer == "accept" ? "accepted" : "declined", std::nullopt);
    return;
  }
  if (!request || pair->state != PairState::proposed) {
    a.refusal = Refusal::withdrawn;
    return;
  }
  a.programme = programme;
  a.pair = pair;
  a.role = "mentor";
  a.person = {{"person_id", mentor->id}, {"name", mentor->name}};
  const auto notes = ps.private_notes(pair->mentee_enrolment_id);
  const std::string goal =
      !notes.mentoring_question.empty() ? notes.mentoring_question : notes.goal;
  json explanation = json::array();
  if (const auto details = ps.proposal(pair->id)) {
    for (const auto& s : details->breakdown)
      explanation.push_back(
          {{"criterion", s.criterion}, {"words", criterion_words(s.criterion, s.contribution)}});
  }
  a.view = {
      {"programme", programme_json(*programme)},
      {"mentee", {{"name", mentee->name}, {"goal", goal.empty() ? json(nullptr) : json(goal)}}},
      {"explanation", explanation},
      {"respond_by", nullptr}};
}

std::string start_time_of(const RunContext& c, const std::string& programme_id) {
  return programme_section(c, programme_id, "pair_sessions").value("start_time", "12:00");
}

void assess_pair(RunContext& c, Assessment& a) {
  auto pair = pair_of(c, a.claims.subject);
  const Programme* programme = pair ? programme_of(c, pair->programme_id) : nullptr;
  const std::string me_id = a.claims.person.value_or("");
  auto me = person_of(c, me_id);
  const bool member = pair && (pair->mentee_id == me_id || pair->mentor_id == me_id);
  if (!pair || !programme || !me || !member) {
    a.refusal = Refusal::gone;
    return;
  }
  if (pair->state != PairState::accepted) {
    a.refusal = Refusal::withdrawn;
    return;
  }
  a.programme = programme;
  a.pair = pair;
  a.role = pair->mentee_id == me_id ? "mentee" : "mentor";
  a.person = {{"person_id", me->id}, {"name", me->name}};
  const std::string other_id = a.role == "mentee" ? pair->mentor_id : pair->mentee_id;
  auto other = person_of(c, other_id);
  // The pair's own list, as its member reads it (notes included; HR never sees them).
  // A circle programme's pairs keep no series of their own (the circle's is).
  const bool circle = programme->shape == PairingShape::circles;
  const json sessions = circle ? json{{"sessions", json::array()}, {"status", "ended"}}
                               : c.call_as(participant(me_id, a.role, me->name), "session_list",
                                           json{{"pair_id", pair->id}});
  json notes = json::array(), meetings = json::array();
  for (const auto& s : sessions.at("sessions")) {
    meetings.push_back({{"date", s.at("held_on")}, {"duration_minutes", nullptr}});
    if (s.contains("notes"))
      notes.push_back(
          {{"date", s.at("held_on")}, {"by", s.at("recorded_by_role")}, {"text", s["notes"]}});
  }
  json next = nullptr;
  if (sessions.contains("next_due") && sessions.value("status", "") != "ended") {
    // session_list gives the agreed day and time once the pair moved it (session_move).
    next = {{"date", sessions["next_due"]},
            {"start_time", sessions.contains("next_start_time")
                               ? sessions["next_start_time"]
                               : json(start_time_of(c, programme->id))}};
  }
  store::PairRepository& ps = c.store.pair_repository();
  const std::string goal = ps.private_notes(pair->mentee_enrolment_id).goal;
  a.view = {{"programme", programme_json(*programme)},
            {"pair_id", std::to_string(pair->id)},
            {"me", a.role},
            {"other",
             {{"name", other ? other->name : other_id},
              {"email", other && other->email ? json(*other->email) : json(nullptr)}}},
            {"next_meeting", next},
            {"goal", goal.empty() ? json(nullptr) : json(goal)},
            {"notes", notes},
            {"meetings", meetings}};
}

json question_json(const json& q) {
  json out = {{"id", q.at("id")}, {"text", q.at("text")}, {"kind", q.at("kind")}};
  if (q.at("kind") == "scale_1_5") {
    out["min"] = 1;
    out["max"] = 5;
  }
  if (q.contains("options")) out["options"] = q["options"];
  out["optional"] = q.value("optional", false);
  return out;
}

void assess_survey(RunContext& c, Assessment& a) {
  store::SqliteEvaluationRepository store(c.store.session());
  const auto invitation = store.invitation(evaluation::sha256_hex(a.claims.subject));
  if (!invitation) {
    a.refusal = Refusal::gone;
    return;
  }
  if (invitation->used) {  // answered already (through the link or with the token itself)
    a.refusal = Refusal::used;
    a.used = used_outcome("answered", std::nullopt);  // no day kept: the answer is anonymous
    return;
  }
  const Programme* programme = programme_of(c, invitation->programme_id);
  const json* definition = programme ? definition_of(c, programme->id) : nullptr;
  const json* survey = nullptr;
  if (definition && definition->contains("evaluation") &&
      (*definition)["evaluation"].contains("surveys")) {
    for (const auto& s : (*definition)["evaluation"]["surveys"]) {
      if (s.value("id", "") == invitation->survey_id) survey = &s;
    }
  }
  if (!survey) {
    a.refusal = Refusal::gone;
    return;
  }
  a.programme = programme;
  json questions = json::array();
  for (const auto& q : survey->at("questions")) questions.push_back(question_json(q));
  a.view = {
      {"programme", programme_json(*programme)},
      {"survey",
       {{"id", invitation->survey_id}, {"title", survey->at("name")}, {"questions", questions}}}};
}

Assessment assess(RunContext& c, const std::string& token) {
  store::SqliteLinkRepository store(c.store.session());
  const auto verification = links::verify(token, c.organisation, store.key(), c.today);
  if (verification.refusal) return refused(*verification.refusal);
  Assessment a;
  a.claims = *verification.claims;
  if (links::single_use(a.claims.purpose)) {
    if (const auto spent = store.spent(a.claims.nonce))
      return refused(Refusal::used, used_outcome(spent->outcome, spent->on));
  }
  switch (a.claims.purpose) {
    case Purpose::invitation:
      assess_invitation(c, a);
      break;
    case Purpose::mentor_proposal:
      assess_mentor_proposal(c, a);
      break;
    case Purpose::pair:
      assess_pair(c, a);
      break;
    case Purpose::survey:
      assess_survey(c, a);
      break;
  }
  return a;
}

json refusal_json(const Assessment& a, const char* valid_key) {
  json out = {{valid_key, false},
              {"reason", std::string(links::to_string(*a.refusal))},
              {"words", std::string(links::describe(*a.refusal))}};
  if (*a.refusal == Refusal::used && a.used.is_object()) {
    out["outcome"] = a.used.at("outcome");
    out["on"] = a.used.at("on");
  }
  return out;
}

json link_open(RunContext& c, const json& in) {
  require_valid_input(kOpen, "link_open", in);
  Assessment a = assess(c, in.at("token").get<std::string>());
  if (a.refusal) return refusal_json(a, "valid");
  return {{"valid", true},
          {"purpose", std::string(links::to_string(a.claims.purpose))},
          {"expires_on", format_date(a.claims.expires_on)},
          {"person", a.person},
          {"view", a.view}};
}

// --- link_act: the answer checked, then the underlying command -------------------------

[[noreturn]] void wrong(const std::string& pointer, const json& found,
                        const std::string& expected) {
  throw invalid_input(kAct, "/answer" + pointer,
                      found.is_null() ? std::string("(missing)") : found.dump(), expected);
}

std::optional<std::string> text_field(const json& answer, const std::string& field) {
  if (!answer.contains(field)) return std::nullopt;
  const json& v = answer[field];
  if (!v.is_string()) wrong("/" + field, v, "a text");
  if (v.get<std::string>().size() > kMaxAnswerText)
    throw invalid_input(kAct, "/answer/" + field,
                        "a text of " + std::to_string(v.get<std::string>().size()) + " bytes",
                        "at most " + std::to_string(kMaxAnswerText) + " bytes");
  return v.get<std::string>();
}

void only_fields(const json& answer, std::initializer_list<const char*> allowed) {
  for (const auto& [key, value] : answer.items()) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* f) { return key == f; })) {
      std::string known;
      for (const char* f : allowed) known += (known.empty() ? "" : ", ") + std::string(f);
      throw invalid_input(kAct, "/answer/" + key, "an unknown field", "one of: " + known);
    }
  }
}

std::string decision_of(const json& answer) {
  const json d = answer.value("decision", json(nullptr));
  if (d != "accept" && d != "decline") wrong("/decision", d, "\"accept\" or \"decline\"");
  return d.get<std::string>();
}

// Runs the underlying command; its refusal of an input field is told as the
// answer's field (the page shows it beside that field).
json run_as(RunContext& c, const domain::Caller& caller, const std::string& command,
            const json& input, std::initializer_list<std::pair<const char*, const char*>> fields) {
  try {
    return c.call_as(caller, command, input);
  } catch (const Error& e) {
    if (e.status() != MENTORING_ERR_INVALID_INPUT) throw;
    std::string message = e.what();
    bool renamed = false;
    for (const auto& [from, to] : fields) {
      for (const std::string& prefix : {command + ": " + from, std::string(from)}) {
        if (message.rfind(prefix, 0) == 0) {
          message = std::string(kAct) + ": " + to + message.substr(prefix.size());
          renamed = true;
          break;
        }
      }
      if (renamed) break;
    }
    if (!renamed) message = std::string(kAct) + ": /answer: " + message;
    throw Error(MENTORING_ERR_INVALID_INPUT, message);
  }
}

struct Done {
  std::string outcome;
  std::string words;
};

Done act_invitation(RunContext& c, const Assessment& a, const json& answer) {
  only_fields(answer, {"decision", "consent", "goal", "wishes", "reason"});
  const std::string decision = decision_of(answer);
  const auto goal = text_field(answer, "goal");
  const auto wishes = text_field(answer, "wishes");
  const auto reason = text_field(answer, "reason");
  const Enrolment& e = *a.enrolment;
  const auto caller = participant(e.person_id, a.role, a.person.at("name").get<std::string>());
  json input = {{"programme", e.programme_id}, {"person_id", e.person_id}, {"role", a.role}};
  if (decision == "decline") {
    if (reason) input["reason"] = *reason;
    run_as(c, caller, "decline", input, {});
    return {"declined", "You declined the invitation to " + a.programme->name +
                            ". Thank you for "
                            "letting us know."};
  }
  const json consent = answer.value("consent", json(nullptr));
  if (consent != true) wrong("/consent", consent, "true (the consent text agreed) to accept");
  if (e.role == Role::mentor && (goal || wishes))
    wrong(goal ? "/goal" : "/wishes", answer[goal ? "goal" : "wishes"],
          "none: a mentor states no goal or wishes");
  if (goal) input["goal"] = *goal;
  if (wishes) input["wishes"] = *wishes;
  run_as(c, caller, "accept", input, {{"/goal", "/answer/goal"}, {"/wishes", "/answer/wishes"}});
  return {"accepted", "You accepted the invitation to " + a.programme->name +
                          ". The programme manager will be in touch about the next steps."};
}

Done act_mentor_proposal(RunContext& c, const Assessment& a, const json& answer) {
  only_fields(answer, {"decision", "reason"});
  const std::string decision = decision_of(answer);
  const auto reason = text_field(answer, "reason");
  json input = {{"pair_id", a.pair->id}, {"answer", decision}};
  if (reason) input["reason"] = *reason;
  run_as(c, participant(a.pair->mentor_id, "mentor", a.person.at("name").get<std::string>()),
         "pairing_mentor_answer", input,
         {{"/reason", "/answer/reason"}, {"/answer", "/answer/decision"}});
  if (decision == "accept")
    return {"accepted", "You are now the mentor of " +
                            a.view.at("mentee").at("name").get<std::string>() +
                            ". You will both hear how to meet."};
  return {"declined",
          "You declined. Thank you for saying so; the mentee will be offered another "
          "mentor."};
}

Date date_field(const json& answer, const std::string& field) {
  const json v = answer.value(field, json(nullptr));
  std::optional<Date> d;
  if (v.is_string() && v.get<std::string>().size() == 10) d = parse_date(v.get<std::string>());
  if (!d) wrong("/" + field, v, "a date (YYYY-MM-DD)");
  return *d;
}

Done act_pair(RunContext& c, const Assessment& a, const json& answer) {
  const json action = answer.value("action", json(nullptr));
  const auto caller = participant(a.person.at("person_id").get<std::string>(), a.role,
                                  a.person.at("name").get<std::string>());
  if (action == "log_meeting") {
    only_fields(answer, {"action", "date", "duration_minutes", "notes"});
    const Date held_on = date_field(answer, "date");
    if (answer.contains("duration_minutes")) {
      const json& m = answer["duration_minutes"];
      if (!m.is_number_integer() || m.get<std::int64_t>() < 1 || m.get<std::int64_t>() > 24 * 60)
        wrong("/duration_minutes", m, "whole minutes from 1 to 1440");
    }
    const auto notes = text_field(answer, "notes");
    json input = {{"pair_id", a.pair->id}, {"held_on", format_date(held_on)}};
    if (notes) input["notes"] = *notes;
    run_as(c, caller, "session_record", input,
           {{"/held_on", "/answer/date"}, {"/notes", "/answer/notes"}});
    return {"logged", "Your meeting on " + format_date(held_on) + " is logged."};
  }
  if (action == "move_next") {
    only_fields(answer, {"action", "date", "start_time"});
    const Date on = date_field(answer, "date");
    json input = {{"pair_id", a.pair->id}, {"date", format_date(on)}};
    std::optional<std::string> start_time;
    if (answer.contains("start_time")) {
      const json& t = answer["start_time"];
      if (!t.is_string()) wrong("/start_time", t, "a time of day (HH:MM, 24-hour)");
      start_time = t.get<std::string>();
      input["start_time"] = *start_time;
    }
    // The move is the member's, as a meeting they log: session_move's own rules
    // (from today to the planned end, an accepted pair, not a circle) apply.
    run_as(c, caller, "session_move", input,
           {{"/date", "/answer/date"}, {"/start_time", "/answer/start_time"}});
    return {"moved", "Your next meeting is now on " + format_date(on) +
                         (start_time ? " at " + *start_time : std::string()) + "."};
  }
  wrong("/action", action, "\"log_meeting\" or \"move_next\"");
}

Done act_survey(RunContext& c, const Assessment& a, const json& answer) {
  only_fields(answer, {"answers"});
  const json answers = answer.value("answers", json(nullptr));
  if (!answers.is_object()) wrong("/answers", answers, "an object: question id -> answer");
  // The survey token is the authority, as with evaluation_answer itself: the
  // caller stays the system that opened the link (nobody's person id).
  run_as(c, c.caller, "evaluation_answer", {{"token", a.claims.subject}, {"answers", answers}},
         {{"/answers", "/answer/answers"}});
  return {"answered", "Thank you: your answers are recorded anonymously."};
}

json link_act(RunContext& c, const json& in) {
  require_valid_input(kAct, "link_act", in);
  // The link spent with what it does; IMMEDIATE: a second process waits for
  // this one, then finds the link used.
  SQLite::Transaction txn(c.store.database(), SQLite::TransactionBehavior::IMMEDIATE);
  Assessment a = assess(c, in.at("token").get<std::string>());
  if (a.refusal) return refusal_json(a, "done");
  const json& answer = in.at("answer");
  const Purpose purpose = a.claims.purpose;
  Done done;
  switch (purpose) {
    case Purpose::invitation:
      done = act_invitation(c, a, answer);
      break;
    case Purpose::mentor_proposal:
      done = act_mentor_proposal(c, a, answer);
      break;
    case Purpose::pair:
      done = act_pair(c, a, answer);
      break;
    case Purpose::survey:
      done = act_survey(c, a, answer);
      break;
  }
  if (links::single_use(purpose)) {
    // No day beside a survey's: nothing dates the anonymous answer finer than its month.
    const std::optional<std::string> on =
        purpose == Purpose::survey ? std::nullopt : std::optional(format_date(c.today));
    store::SqliteLinkRepository store(c.store.session());
    if (!store.spend(a.claims.nonce, std::string(links::to_string(purpose)), done.outcome, on))
      return refusal_json(refused(Refusal::used, used_outcome(done.outcome, on)), "done");
  }
  txn.commit();
  return {{"done", true},
          {"purpose", std::string(links::to_string(purpose))},
          {"outcome", done.outcome},
          {"words", done.words}};
}

}  // namespace

std::optional<json> link_command(RunContext& c, std::string_view command, const json& input) {
  if (command == kOpen) return link_open(c, input);
  if (command == kAct) return link_act(c, input);
  return std::nullopt;
}

std::vector<std::string> link_command_names() {
  return {kOpen, kAct};
}

}  // namespace mentoring::shell
