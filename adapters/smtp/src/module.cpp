// The loadable shell of the SMTP adapter; all behaviour is in the core library.
#include "smtp_adapter/smtp_adapter.hpp"

#include <mentoring/module.hpp>

#include <rest_common/services.hpp>

namespace {
using SmtpModule = mentoring::adapters::rest::RestModule<mentoring::adapters::smtp::SmtpAdapter>;
}  // namespace

// write_actions + create_task + create_calendar_event: the plugin routes
// invite, withdraw_invitation, task, reminder, notify and calendar_event here
// (plugin/core/delivery.cpp); never enrol_in_course or group_membership.
MENTORING_MODULE(MENTORING_KIND_ADAPTER, "smtp", "0.1.0",
                 "E-mail over SMTP: invitations, reminders, notices, tasks and calendar "
                 "invitations as multipart mails from per-programme templates",
                 R"(["write_actions","create_task","create_calendar_event"])", SmtpModule)
