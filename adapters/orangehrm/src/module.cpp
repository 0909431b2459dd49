// The loadable shell of the OrangeHRM adapter; all behaviour is in the core library.
#include "orangehrm_adapter/orangehrm_adapter.hpp"

#include <mentoring/module.hpp>

#include "rest_common/services.hpp"

namespace {
using OrangeHrmModule =
    mentoring::adapters::rest::RestModule<mentoring::adapters::orangehrm::OrangeHrmAdapter>;
}  // namespace

MENTORING_MODULE(MENTORING_KIND_ADAPTER, "orangehrm", "0.1.0",
                 "OrangeHRM 5: employees with supervisors and leave requests (OAuth 2)",
                 R"(["read_people","read_leave"])", OrangeHrmModule)
