// The loadable shell of the BambooHR adapter; all behaviour is in the core library.
#include "bamboohr_adapter/bamboohr_adapter.hpp"

#include <mentoring/module.hpp>

#include "rest_common/services.hpp"

namespace {
using BambooHrModule =
    mentoring::adapters::rest::RestModule<mentoring::adapters::bamboohr::BambooHrAdapter>;
}  // namespace

MENTORING_MODULE(MENTORING_KIND_ADAPTER, "bamboohr", "0.1.0",
                 "BambooHR: people with supervisors and time-off requests; webhook verification",
                 R"(["read_people","read_leave","verify_webhook"])", BambooHrModule)
