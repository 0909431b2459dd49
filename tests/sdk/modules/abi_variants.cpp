// Descriptors a host must refuse (or, for an older minor, accept), written by hand.
#include <mentoring/abi.h>

namespace {
#if defined(VARIANT_NO_CALL_AS)
// A module of ABI 1.2 that leaves call_as out: it is created and answers every
// command with "{}", so a host can be seen running it for an admin only.
int the_instance = 0;
char answer[] = "{}";
mentoring_status create(const mentoring_host*, const char*, size_t, mentoring_instance** out) {
  *out = reinterpret_cast<mentoring_instance*>(&the_instance);
  return MENTORING_OK;
}
mentoring_status call(mentoring_instance*, const char*, const char*, size_t, char** out,
                      size_t* length) {
  *out = answer;  // free_buffer below frees nothing
  *length = 2;
  return MENTORING_OK;
}
#else
mentoring_status create(const mentoring_host*, const char*, size_t, mentoring_instance** out) {
  *out = nullptr;
  return MENTORING_ERR_FAILED;
}
mentoring_status call(mentoring_instance*, const char*, const char*, size_t, char**, size_t*) {
  return MENTORING_ERR_FAILED;
}
#endif
void destroy(mentoring_instance*) {}
void free_buffer(char*) {}
const char* last_error(const mentoring_instance*) {
  return "variant";
}
}  // namespace

extern "C" MENTORING_EXPORT const mentoring_module_descriptor* mentoring_module_entry(void) {
  static mentoring_module_descriptor d = {sizeof(mentoring_module_descriptor),
                                          MENTORING_MAGIC,
                                          MENTORING_ABI_MAJOR,
                                          MENTORING_ABI_MINOR,
                                          MENTORING_ABI_PATCH,
                                          MENTORING_KIND_ADAPTER,
                                          "variant",
                                          "0.0.1",
                                          "test",
                                          "[]",
                                          &create,
                                          &destroy,
                                          &call,
                                          &free_buffer,
                                          &last_error,
                                          nullptr};  // call_as: optional
#if defined(VARIANT_NEXT_MAJOR)
  d.abi_major = MENTORING_ABI_MAJOR + 1;
  d.abi_minor = 0;
#elif defined(VARIANT_NEWER_MINOR)
  d.abi_minor = MENTORING_ABI_MINOR + 1;
#elif defined(VARIANT_BAD_MAGIC)
  d.magic = 0xDEADBEEF;
#elif defined(VARIANT_NULL_FUNCTION)
  d.call = nullptr;
#elif defined(VARIANT_ABI_1_0)
  d.abi_minor = 0;                                // ABI 1.0 had C enums of the same size and values
  d.kind = 2;                                     // MENTORING_KIND_ADAPTER as a 1.0 module wrote it
  d.struct_size = MENTORING_DESCRIPTOR_SIZE_1_0;  // a 1.0 descriptor ends at last_error
#endif
  return &d;
}
