// Evaluation's part of the plugin shell: survey invitations with one-time
// tokens on `run`, anonymous answers (evaluation_answer) and HR's report
// (evaluation_report). The token links an invitation to a person; nothing
// links an answer to the token, the person or the day it arrived.
#include "session_runners.hpp"

#include "link_runner.hpp"

#include <mentoring/enrolment/lifecycle.hpp>
#include <mentoring/evaluation/budget.hpp>
#include <mentoring/evaluation/figures.hpp>
#include <mentoring/evaluation/surveys.hpp>
#include <mentoring/evaluation/tokens.hpp>
#include <mentoring/schema.hpp>
#include <mentoring/store/evaluation_repository.hpp>
#include <mentoring/store/outbox_repository.hpp>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace mentoring::shell {

using json = nlohmann::json;
using namespace mentoring::domain;
namespace ev = mentoring::evaluation;

namespace {

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~') {
      out += "~0";
    } else if (ch == '/') {
      out += "~1";
    } else {
      out += ch;
    }
  }
  return out;
}

// The configured threshold (OrgPolicy: the older policy name still counts, and
// when both are given the more protective one wins).
int min_group_size(const RunContext& c) {
  return c.policy.evaluation_min_group_size;
}

ev::QuestionKind kind_of(const std::string& text) {
  if (text == "scale_1_5") return ev::QuestionKind::scale_1_5;
  if (text == "yes_no") return ev::QuestionKind::yes_no;
  if (text == "number") return ev::QuestionKind::number;
  if (text == "choice") return ev::QuestionKind::choice;
  return ev::QuestionKind::text;
}

// The programme's surveys (its definition was validated against the schema,
// and its evaluation section by check_evaluation_section).
std::vector<ev::Survey> surveys_of(const json& definition) {
  std::vector<ev::Survey> out;
  const json section = definition.value("evaluation", json::object());
  for (const auto& s : section.value("surveys", json::array())) {
    ev::Survey survey;
    survey.id = s.at("id").get<std::string>();
    survey.name = s.at("name").get<std::string>();
    const std::string who = s.at("who").get<std::string>();
    survey.who = who == "mentees"   ? ev::Audience::mentees
                 : who == "mentors" ? ev::Audience::mentors
                                    : ev::Audience::both;
    const std::string anchor = s.at("due").at("anchor").get<std::string>();
    survey.anchor = anchor == "pairing"  ? ev::SurveyAnchor::pairing
                    : anchor == "return" ? ev::SurveyAnchor::return_to_work
                                         : ev::SurveyAnchor::end;
    survey.offset_days = s.at("due").at("offset_days").get<int>();
    for (const auto& q : s.at("questions")) {
      ev::Question question;
      question.id = q.at("id").get<std::string>();
      question.text = q.at("text").get<std::string>();
      question.kind = kind_of(q.at("kind").get<std::string>());
      question.options = q.value("options", std::vector<std::string>{});
      question.measures_weeks_to_full_productivity =
          q.value("measures", "") == "weeks_to_full_productivity";
      question.optional = q.value("optional", false);
      survey.questions.push_back(std::move(question));
    }
    out.push_back(std::move(survey));
  }
  return out;
}

std::vector<ev::Survey> surveys_of(const RunContext& c, const std::string& programme_id) {
  for (const auto& d : c.programme_definitions) {
    if (d.value("id", "") == programme_id) return surveys_of(d);
  }
  return {};
}

std::vector<std::string> roles_of(const ev::Survey& s) {
  switch (s.who) {
    case ev::Audience::mentees:
      return {"mentee"};
    case ev::Audience::mentors:
      return {"mentor"};
    case ev::Audience::both:
      break;
  }
  return {"mentee", "mentor"};
}

// --- run: invitations --------------------------------------------------------------

struct Participant {
  Enrolment enrolment;
  std::vector<ev::Anchors> anchors;  // one per pair they are in
};

// Everyone in an accepted (or since ended) pair of the programme, with the
// dates of each of their pairs, keyed by enrolment id.
std::map<std::int64_t, Participant> participants(RunContext& c, const Programme& programme) {
  std::map<std::int64_t, Participant> out;
  for (const auto& pair : c.store.pairs(programme.id)) {
    if (pair.state == PairState::proposed || !pair.accepted_on) continue;
    auto mentee = c.store.enrolment(pair.mentee_enrolment_id);
    auto mentor = c.store.enrolment(pair.mentor_enrolment_id);
    if (!mentee || !mentor) continue;
    ev::Anchors anchors;
    anchors.pairing = pair.accepted_on;
    if (mentee->leave_id) {
      auto leave = c.store.leave(*mentee->leave_id);
      if (leave && leave->status == LeaveStatus::approved)
        anchors.return_to_work = enrolment::return_date(*leave);
    }
    anchors.end = mentee->ends_on;
    for (const auto& e : {*mentee, *mentor}) {
      auto [it, inserted] = out.try_emplace(e.id, Participant{e, {}});
      it->second.anchors.push_back(anchors);
    }
  }
  return out;
}

// The earliest day the survey falls due over the participant's pairs.
std::optional<Date> due_for(const ev::Survey& survey, const Participant& p) {
  std::optional<Date> due;
  for (const auto& a : p.anchors) {
    auto d = ev::due_on(survey, a);
    if (d && (!due || *d < *due)) due = d;
  }
  return due;
}

json invitation_payload(const Person& person, const Programme& programme, const ev::Survey& s,
                        const std::string& token) {
  json questions = json::array();
  for (const auto& q : s.questions) {
    json entry = {{"id", q.id}, {"text", q.text}, {"kind", std::string(ev::to_string(q.kind))}};
    if (!q.options.empty()) entry["options"] = q.options;
    if (q.optional) entry["optional"] = true;
    questions.push_back(std::move(entry));
  }
  return {{"to",
           {{"person_id", person.id},
            {"name", person.name},
            {"email", person.email ? json(*person.email) : json(nullptr)}}},
          {"subject", programme.name + ": " + s.name},
          {"text",
           "Please answer a short anonymous survey about the programme. Your answers are "
           "stored without your name and are only reported together with at least a few "
           "others'. The link works once."},
          {"survey", {{"id", s.id}, {"name", s.name}, {"questions", questions}}},
          {"token", token}};
}

int issue(RunContext& c, store::EvaluationRepository& store, store::OutboxRepository& outbox,
          const Programme& programme, const std::vector<ev::Survey>& surveys) {
  auto everyone = participants(c, programme);
  std::set<std::string> ids;
  for (const auto& [id, p] : everyone) ids.insert(p.enrolment.person_id);
  const auto people = c.store.people(ids);  // leaves out people the HR system no longer lists
  int issued = 0;
  for (const auto& [enrolment_id, p] : everyone) {
    if (!ev::takes_part(p.enrolment.state)) continue;  // withdrawn, declined: no surveys
    auto person = people.find(p.enrolment.person_id);
    if (person == people.end() || person->second.has_left_by(c.today)) continue;
    const std::string role(to_string(p.enrolment.role));
    for (const auto& survey : surveys) {
      if (!ev::addresses(survey, p.enrolment.role)) continue;
      auto due = due_for(survey, p);
      if (!due || *due > c.today) continue;
      if (store.invited(programme.id, survey.id, enrolment_id)) continue;
      const std::string token = ev::new_survey_token();
      store.add_invitation(
          {ev::sha256_hex(token), programme.id, survey.id, enrolment_id, role, c.today, false});
      const auto key = domain::action_key(domain::ActionKind::notify,
                                          domain::ActionTopic::evaluation_survey, c.organisation,
                                          {programme.id, survey.id, std::to_string(enrolment_id)});
      json payload = invitation_payload(person->second, programme, survey, token);
      // The survey's link names nobody: its claims carry the token, as the payload does.
      payload["link"] = make_link(c, links::Purpose::survey, token, std::nullopt,
                                  links::survey_link_expiry(c.today));
      enqueue_action(c, outbox, key, person->second.id, programme.id, std::move(payload));
      ++issued;
    }
  }
  return issued;
}

// --- evaluation_answer -----------------------------------------------------------

ev::AnswerValue value_of(const json& v) {
  ev::AnswerValue out;
  if (v.is_number()) {
    out.number = v.get<double>();
    out.is_integer = std::isfinite(*out.number) && std::floor(*out.number) == *out.number;
  } else if (v.is_boolean()) {
    out.boolean = v.get<bool>();
  } else if (v.is_string()) {
    out.text = v.get<std::string>();
  }
  return out;
}

json answer(RunContext& c, const json& in) {
  const char* cmd = "evaluation_answer";
  require_valid_input(cmd, "evaluation_answer", in);
  store::SqliteEvaluationRepository store(c.store.session());
  const std::string hash = ev::sha256_hex(in.at("token").get<std::string>());
  auto invitation = store.invitation(hash);
  // The token is never echoed back: an error message may end up in a log.
  if (!invitation)
    throw invalid_input(cmd, "/token", "a token no survey invitation was issued with",
                        "the token of a survey invitation");
  if (invitation->used)
    throw invalid_input(cmd, "/token", "a token that was used already",
                        "an unused token (each invitation is answered once)");
  std::optional<ev::Survey> survey;
  for (auto& s : surveys_of(c, invitation->programme_id)) {
    if (s.id == invitation->survey_id) survey = std::move(s);
  }
  if (!survey)
    throw invalid_input(cmd, "/token", "an invitation to survey " + invitation->survey_id,
                        "a survey the programme still defines");

  const json& answers = in.at("answers");
  std::vector<std::string> problems;
  std::string known;
  for (const auto& q : survey->questions) known += (known.empty() ? "" : ", ") + q.id;
  for (const auto& [id, value] : answers.items()) {
    bool asked = std::any_of(survey->questions.begin(), survey->questions.end(),
                             [&](const ev::Question& q) { return q.id == id; });
    if (!asked) {
      problems.push_back(std::string(cmd) + ": /answers/" + pointer_token(id) +
                         ": found unknown question \"" + id + "\"; expected one of: " + known);
    }
  }
  std::vector<std::pair<const ev::Question*, std::string>> stored;
  for (const auto& q : survey->questions) {
    const std::string pointer = "/answers/" + pointer_token(q.id);
    if (!answers.contains(q.id)) {
      if (q.optional) continue;  // left out, as the programme allows
      problems.push_back(std::string(cmd) + ": " + pointer + ": found (missing); expected " +
                         ev::answer_problem(q, {}));
      continue;
    }
    const auto value = value_of(answers[q.id]);
    const std::string expected = ev::answer_problem(q, value);
    if (!expected.empty()) {
      std::string found = schema::describe(answers[q.id]);
      if (q.kind == ev::QuestionKind::text && value.text) {
        found = "a text of " + std::to_string(value.text->size()) + " bytes";
      }
      problems.push_back(std::string(cmd) + ": " + pointer + ": found " + found + "; expected " +
                         expected);
      continue;
    }
    stored.emplace_back(&q, ev::stored_form(q, value));
  }
  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
    throw Error(MENTORING_ERR_INVALID_INPUT, message);
  }

  const std::string month = format_date(c.today).substr(0, 7);  // never finer than the month
  Transaction txn(c.store.database());                          // a savepoint when link_act runs it
  if (!store.mark_used(hash))
    throw invalid_input(cmd, "/token", "a token that was used already",
                        "an unused token (each invitation is answered once)");
  for (const auto& [q, value] : stored) {
    store.add_answer(
        {invitation->programme_id, invitation->survey_id, invitation->role, q->id, month, value});
  }
  store.add_response(invitation->programme_id, invitation->survey_id, invitation->role, month);
  txn.commit();
  return {{"recorded", true},
          {"programme", invitation->programme_id},
          {"survey", invitation->survey_id},
          {"questions", stored.size()}};
}

// --- evaluation_report -------------------------------------------------------------

json question_figures(const ev::Question& q, const std::vector<std::string>& values,
                      int threshold) {
  json out = {{"question", q.id}, {"text", q.text}, {"kind", std::string(ev::to_string(q.kind))}};
  const auto f = ev::summarise(q, values);
  if (!ev::shown(f.answers, threshold)) {
    out["not_shown"] = ev::not_shown_reason(threshold, "answers");
    return out;
  }
  out["answers"] = f.answers;
  switch (q.kind) {
    case ev::QuestionKind::scale_1_5:
      out["mean"] = *f.mean;
      out["distribution"] = f.counts;
      break;
    case ev::QuestionKind::yes_no:
      out["share_yes"] = *f.share_yes;
      break;
    case ev::QuestionKind::number:
      out["median"] = *f.median;
      break;
    case ev::QuestionKind::choice:
      out["counts"] = f.counts;
      break;
    case ev::QuestionKind::text:
      out["texts"] = f.texts;
      break;
  }
  return out;
}

json retention_figure(const std::vector<ev::Returner>& group, int months, Date today,
                      int threshold) {
  const auto r = ev::retention(group, months, today);
  if (!ev::shown(r.returners, threshold))
    return {{"not_shown", ev::not_shown_reason(threshold, "returners")}};
  double share = static_cast<double>(r.retained) / static_cast<double>(r.returners);
  return {{"returners", r.returners},
          {"retained", r.retained},
          {"share", std::round(share * 100.0) / 100.0}};
}

// Retention 6 and 12 months after return, for the programme's returners and
// for the organisation's other returners from the same leave types.
json retention_figures(RunContext& c, store::EvaluationRepository& store,
                       const Programme& programme, int threshold) {
  std::vector<ev::ReturnFromLeave> returns;
  for (const auto& row : store.approved_leave()) {
    returns.push_back({row.leave.id,
                       row.leave.person_id,
                       row.leave.type,
                       {enrolment::return_date(row.leave), row.person_end}});
  }
  auto groups = ev::returner_groups(programme, c.store.enrolments(programme.id), returns, c.today);
  json retention = json::array();
  for (int months : {6, 12}) {
    retention.push_back(
        {{"months", months},
         {"programme", retention_figure(ev::latest_returns(groups.programme, months, c.today),
                                        months, c.today, threshold)},
         {"baseline", retention_figure(ev::latest_returns(groups.baseline, months, c.today), months,
                                       c.today, threshold)}});
  }
  return retention;
}

// Fee x participants per cohort (evaluation::budget decides who and which year).
json budget_report(RunContext& c, const Programme& programme) {
  if (!programme.fee_per_participant)
    return {{"fee_per_participant", nullptr},
            {"why", "the programme's definition sets no fee_per_participant"}};
  const auto b = ev::budget(*programme.fee_per_participant, c.store.enrolments(programme.id));
  json cohorts = json::array();
  for (const auto& cohort : b.cohorts)
    cohorts.push_back({{"cohort", cohort.year},
                       {"participants", cohort.participants},
                       {"amount", cohort.amount}});
  return {{"fee_per_participant", {{"amount", b.fee.amount}, {"currency", b.fee.currency}}},
          {"currency", b.fee.currency},
          {"cohorts", cohorts},
          {"participants", b.participants},
          {"total", b.total}};
}

json programme_report(RunContext& c, const Programme& programme, int threshold) {
  store::SqliteEvaluationRepository store(c.store.session());
  const auto surveys = surveys_of(c, programme.id);
  std::map<std::pair<std::string, std::string>, std::int64_t> invited, responded;
  for (const auto& n : store.invitation_counts(programme.id))
    invited[{n.survey_id, n.role}] = n.count;
  for (const auto& n : store.response_counts(programme.id))
    responded[{n.survey_id, n.role}] = n.count;
  // survey, role, question -> every stored value, once per answer
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> values;
  for (const auto& a : store.answers(programme.id)) {
    auto& list = values[{a.survey_id, a.role, a.question_id}];
    list.insert(list.end(), static_cast<std::size_t>(a.count), a.value);
  }

  json report = {{"programme", programme.id}, {"surveys", json::array()}};
  std::vector<std::string> weeks;
  for (const auto& s : surveys) {
    for (const auto& role : roles_of(s)) {
      json entry = {
          {"survey", s.id}, {"name", s.name}, {"role", role}, {"invited", invited[{s.id, role}]}};
      const auto answered = static_cast<std::size_t>(responded[{s.id, role}]);
      for (const auto& q : s.questions) {
        if (!q.measures_weeks_to_full_productivity) continue;
        const auto& v = values[{s.id, role, q.id}];
        weeks.insert(weeks.end(), v.begin(), v.end());
      }
      if (!ev::shown(answered, threshold)) {
        entry["not_shown"] = ev::not_shown_reason(threshold, "answers");
      } else {
        entry["answered"] = answered;
        entry["questions"] = json::array();
        for (const auto& q : s.questions)
          entry["questions"].push_back(question_figures(q, values[{s.id, role, q.id}], threshold));
      }
      report["surveys"].push_back(std::move(entry));
    }
  }
  report["retention"] = retention_figures(c, store, programme, threshold);
  report["budget"] = budget_report(c, programme);
  ev::Question measure{"weeks", "", ev::QuestionKind::number, {}, true};
  const auto f = ev::summarise(measure, weeks);
  report["weeks_to_full_productivity"] =
      ev::shown(f.answers, threshold)
          ? json{{"answers", f.answers}, {"median", *f.median}}
          : json{{"not_shown", ev::not_shown_reason(threshold, "answers")}};
  return report;
}

json report(RunContext& c, const json& in) {
  const char* cmd = "evaluation_report";
  require_valid_input(cmd, "evaluation_report", in);
  const int threshold = min_group_size(c);
  json out = {{"today", format_date(c.today)},
              {"min_group_size", std::max(threshold, 2)},
              {"programmes", json::array()}};
  if (in.contains("programme")) {
    out["programmes"].push_back(programme_report(c, programme_for(c, cmd, in), threshold));
  } else {
    for (const auto& p : c.programmes)
      out["programmes"].push_back(programme_report(c, p, threshold));
  }
  return out;
}

}  // namespace

void check_evaluation_section(const json& definition, const std::string& source) {
  const json section = definition.value("evaluation", json::object());
  std::vector<std::string> problems;
  std::set<std::string> survey_ids;
  const json surveys = section.value("surveys", json::array());
  for (std::size_t i = 0; i < surveys.size(); ++i) {
    const json& s = surveys[i];
    const std::string at = "/evaluation/surveys/" + std::to_string(i);
    const std::string id = s.value("id", "");
    if (!survey_ids.insert(id).second)
      problems.push_back(at + "/id: found \"" + id +
                         "\" again; expected an id unique in the programme");
    std::set<std::string> question_ids;
    const json questions = s.value("questions", json::array());
    for (std::size_t j = 0; j < questions.size(); ++j) {
      const json& q = questions[j];
      const std::string qat = at + "/questions/" + std::to_string(j);
      const std::string qid = q.value("id", "");
      const std::string kind = q.value("kind", "");
      if (!question_ids.insert(qid).second)
        problems.push_back(qat + "/id: found \"" + qid +
                           "\" again; expected an id unique in the survey");
      if (kind == "choice" && !q.contains("options"))
        problems.push_back(qat +
                           "/options: found (missing); expected the options of a choice question");
      if (kind != "choice" && q.contains("options"))
        problems.push_back(qat + "/options: found options on a " + kind +
                           " question; expected none (only choice has options)");
      if (q.contains("measures") && kind != "number")
        problems.push_back(qat + "/measures: found it on a " + kind +
                           " question; expected kind number");
    }
  }
  if (problems.empty()) return;
  std::string message;
  for (const auto& p : problems) message += (message.empty() ? "" : "\n") + source + ": " + p;
  throw Error(MENTORING_ERR_INVALID_INPUT, message);
}

json run_evaluation(RunContext& c) {
  store::SqliteEvaluationRepository store(c.store.session());
  store::SqliteOutboxRepository outbox(c.store.session());
  json programmes = json::object();
  int total = 0;
  for (const auto& programme : c.programmes) {
    const auto surveys = surveys_of(c, programme.id);
    int issued = 0;
    if (!surveys.empty()) {
      Transaction txn(c.store.database());  // tokens and their notifications together
      issued = issue(c, store, outbox, programme, surveys);
      txn.commit();
    }
    total += issued;
    programmes[programme.id] = {{"surveys", surveys.size()}, {"issued", issued}};
  }
  return {{"enabled", true}, {"status", "ran"}, {"issued", total}, {"programmes", programmes}};
}

int forget_delivered_survey_tokens(RunContext& c) {
  // Tokens travel to the person in a notify action; once the host has it, or HR dropped it
  // (it never goes out), the outbox keeps the action without the token, and the file's
  // bytes no longer hold it (the connection overwrites what it deletes).
  return store::SqliteOutboxRepository(c.store.session())
      .forget_delivered(
          "$.payload.token",
          std::string(domain::key_prefix(domain::ActionTopic::evaluation_survey)) + "/");
}

std::optional<json> evaluation_command(RunContext& c, std::string_view command, const json& input) {
  if (command == "evaluation_answer") return answer(c, input);
  if (command == "evaluation_report") return report(c, input);
  return std::nullopt;
}

std::vector<std::string> evaluation_command_names() {
  return {"evaluation_answer", "evaluation_report"};
}

}  // namespace mentoring::shell
