// Calls a function no library defines, so RTLD_NOW cannot resolve it.
#include <mentoring/abi.h>
extern "C" int mentoring_test_function_that_does_not_exist(void);
extern "C" MENTORING_EXPORT const mentoring_module_descriptor* mentoring_module_entry(void) {
  return mentoring_test_function_that_does_not_exist() ? nullptr : nullptr;
}
