// The loadable shell of the Moodle adapter; all behaviour is in the core library.
#include "moodle_adapter/moodle_adapter.hpp"

#include <mentoring/module.hpp>

#include "rest_common/services.hpp"

namespace {
using MoodleModule =
    mentoring::adapters::rest::RestModule<mentoring::adapters::moodle::MoodleAdapter>;
}  // namespace

MENTORING_MODULE(
    MENTORING_KIND_ADAPTER, "moodle", "0.1.0",
    "Moodle web services: course completions, manual enrolment, calendar events, supervision "
    "groups",
    R"(["read_course_completions","write_actions","enrol_in_course","create_calendar_event","manage_groups"])",
    MoodleModule)
