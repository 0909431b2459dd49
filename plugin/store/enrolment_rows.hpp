// The enrolment repository's rows as domain values, for both backends: each reads the same
// columns in the same order and hands them over through a small row adaptor, so SQLite and
// PostgreSQL cannot decode a stored enrolment differently. Private to plugin/store (and
// its postgres/ folder).
#pragma once

#include <mentoring/store/enrolment_repository.hpp>

#include "rows.hpp"

#include <mentoring/domain/date.hpp>
#include <mentoring/domain/records.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace mentoring::store::enrolment_rows {

// The enrolment columns decode() reads, in its order; each backend adds its FROM and WHERE.
inline constexpr const char* kEnrolmentColumns =
    "SELECT id, person_id, programme_id, role, state, leave_id, phase, created_at, respond_by, "
    "consent_at, started_at, ends_on, needs_decision, leave_fingerprint FROM enrolment ";

// A row adaptor gives, by column index from 0: `std::int64_t integer(int)`,
// `std::string text(int)` and `std::optional<std::string> optional_text(int)` (nullopt for
// NULL).

inline domain::Role role(const std::string& text) {
  return text == "mentor" ? domain::Role::mentor : domain::Role::mentee;
}

// A stored state the domain does not know means a damaged or newer database.
inline domain::EnrolmentState state(const std::string& text, const std::string& whose) {
  auto state = domain::parse_enrolment_state(text);
  if (!state)
    throw std::runtime_error("store: " + whose + " has the unknown state \"" + text +
                             "\"; expected one of the domain's enrolment states");
  return *state;
}

// The day a timestamp column (created_at, consent_at: the caller's `at`) starts with, if it
// starts with one; the domain only wants the day.
inline std::optional<domain::Date> day_of(const std::optional<std::string>& timestamp) {
  if (!timestamp) return std::nullopt;
  return domain::parse_date(timestamp->substr(0, 10));
}

// A date column the store writes with format_date: anything else is a damaged database.
inline std::optional<domain::Date> date(const std::optional<std::string>& text,
                                        std::int64_t enrolment_id, const char* column) {
  return rows::stored_date(text, "enrolment " + std::to_string(enrolment_id), column);
}

// The row of kEnrolmentColumns.
template <class Row>
domain::Enrolment decode(const Row& row) {
  domain::Enrolment e;
  e.id = row.integer(0);
  e.person_id = row.text(1);
  e.programme_id = row.text(2);
  e.role = role(row.text(3));
  e.state = state(row.text(4), "enrolment " + std::to_string(e.id));
  e.leave_id = row.optional_text(5);
  if (auto phase = row.optional_text(6)) {
    if (*phase == "before_leave") e.phase = domain::Phase::before_leave;
    if (*phase == "on_leave") e.phase = domain::Phase::on_leave;
    if (*phase == "returned") e.phase = domain::Phase::returned;
  }
  e.created_on = day_of(row.optional_text(7));
  e.respond_by = date(row.optional_text(8), e.id, "respond_by");
  e.consent_on = day_of(row.optional_text(9));
  e.started_on = date(row.optional_text(10), e.id, "started_at");
  e.ends_on = date(row.optional_text(11), e.id, "ends_on");
  e.needs_decision = row.optional_text(12);
  e.leave_fingerprint = row.optional_text(13);
  return e;
}

// A row of: programme_id, role, from_state or '', to_state, at, cause, phase or ''.
template <class Row>
Transition decode_transition(const Row& row) {
  return {row.text(0), row.text(1), row.text(2), row.text(3),
          row.text(4), row.text(5), row.text(6)};
}

// A row of: name, due_on, sequence, state.
template <class Row>
Touchpoint decode_touchpoint(const Row& row) {
  const std::string due = row.text(1);
  auto parsed = domain::parse_date(due);
  if (!parsed)
    throw std::runtime_error("store: touchpoint " + row.text(0) + " has due_on \"" +
                             due.substr(0, 40) + "\"; expected a date YYYY-MM-DD");
  return {row.text(0), *parsed, static_cast<int>(row.integer(2)), row.text(3)};
}

// A row of: role, state, count.
template <class Row>
EnrolmentStateCount decode_state_count(const Row& row, const std::string& programme_id) {
  return {role(row.text(0)), state(row.text(1), "an enrolment of " + programme_id), row.integer(2)};
}

// The phase column's value for an optional phase (nullopt for NULL).
inline std::optional<std::string> phase_text(const std::optional<domain::Phase>& phase) {
  if (!phase) return std::nullopt;
  return std::string(domain::to_string(*phase));
}

// An optional text as a statement parameter: null for NULL (both SQLite's bind and
// libpqxx's parameters take a null `const char*` as NULL). Valid while `text` is.
inline const char* or_null(const std::optional<std::string>& text) {
  return text ? text->c_str() : nullptr;
}

inline std::optional<std::string> date_text(const std::optional<domain::Date>& date) {
  if (!date) return std::nullopt;
  return domain::format_date(*date);
}

}  // namespace mentoring::store::enrolment_rows
