#include <mentoring/domain/org_policy.hpp>

namespace mentoring::domain {

bool ModuleSwitches::on(std::string_view module) const {
  if (module == "enrolment") return enrolment;
  if (module == "training") return training;
  if (module == "pairing") return pairing;
  if (module == "supervision") return supervision;
  if (module == "evaluation") return evaluation;
  if (module == "return_to_work") return return_to_work;
  return false;
}

}  // namespace mentoring::domain
