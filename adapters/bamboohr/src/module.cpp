// The loadable shell of the BambooHR adapter; all behaviour is in the core library.
#include "bamboohr_adapter/bamboohr_adapter.hpp"

#include <mentoring/module.hpp>

#include "rest_common/services.hpp"

namespace {
using BambooHrModule =
    mentoring::adapters::rest::RestModule<mentoring::adapters::bamboohr::BambooHrAdapter>;
}  // namespace

// write_actions + create_task: the plugin routes invite, withdraw_invitation,
// task, reminder and notify here, recorded as employee table rows
// (write_back.hpp); never enrol_in_course or calendar_event, which BambooHR
// has no place for.
MENTORING_MODULE(
    MENTORING_KIND_ADAPTER, "bamboohr", "0.2.0",
    "BambooHR: people with supervisors, time-off requests, training records as "
    "course completions; programme events as employee table rows; webhook "
    "verification",
    R"(["read_people","read_leave","read_course_completions","write_actions","create_task","verify_webhook"])",
    BambooHrModule)
