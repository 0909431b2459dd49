#include "fault_plan.hpp"

namespace mentoring::fakes {

void FaultPlan::throttle_next(int count, int retry_after_s) {
  std::lock_guard lock(mutex_);
  throttle_ = count;
  retry_after_s_ = retry_after_s;
}

void FaultPlan::html_next(int count, int status) {
  std::lock_guard lock(mutex_);
  html_ = count;
  html_status_ = status;
}

void FaultPlan::fail_next(int count) {
  std::lock_guard lock(mutex_);
  fail_ = count;
}

bool FaultPlan::apply(const httplib::Request&, httplib::Response& response) {
  ++seen_;
  std::lock_guard lock(mutex_);
  if (throttle_ > 0) {
    --throttle_;
    response.status = 429;
    response.set_header("Retry-After", std::to_string(retry_after_s_));
    response.set_content(
        R"({"error":{"code":429,"message":"Over rate limit, please try again later"}})",
        "application/json");
    return true;
  }
  if (html_ > 0) {
    --html_;
    response.status = html_status_;
    response.set_content(
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign "
        "in</body></html>",
        "text/html");
    return true;
  }
  if (fail_ > 0) {
    --fail_;
    response.status = 500;
    response.set_content(R"({"error":{"code":500,"message":"Internal error"}})",
                         "application/json");
    return true;
  }
  return false;
}

}  // namespace mentoring::fakes
