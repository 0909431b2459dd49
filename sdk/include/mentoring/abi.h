/*
 * mentoring/abi.h — the C ABI between the host and its modules, version 1.
 *
 * This header is the narrow waist of the product: the reference host
 * (mentoring-host), the mentoring plugin and every adapter meet only here.
 * It is plain C so a module built with another compiler or standard library
 * still loads. No C++ types, no exceptions and no allocator cross it: data
 * crosses as UTF-8 JSON (pointer + length), and every buffer is freed by the
 * side that allocated it.
 *
 * A module exports exactly one symbol, MENTORING_ENTRY_SYMBOL, returning its
 * descriptor. The host reads struct_size, magic and abi_major first and calls
 * nothing else unless they match (same major, module minor <= host minor).
 *
 * Threading: calls on one instance are serialised by the host [one-thread];
 * distinct instances may be used from distinct threads.
 *
 * Module authors do not write against this header by hand: see
 * mentoring/module.hpp (one class + MENTORING_MODULE(...)).
 */
#ifndef MENTORING_ABI_H
#define MENTORING_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MENTORING_ABI_MAJOR 1
#define MENTORING_ABI_MINOR 0
#define MENTORING_ABI_PATCH 0

/* 'MNTR' — the first check the host makes on a descriptor. */
#define MENTORING_MAGIC 0x4D4E5452u

/* Name of the one exported function of every module. */
#define MENTORING_ENTRY_SYMBOL "mentoring_module_entry"

#if defined(_WIN32)
#define MENTORING_EXPORT __declspec(dllexport)
#else
#define MENTORING_EXPORT __attribute__((visibility("default")))
#endif

typedef enum mentoring_status {
  MENTORING_OK = 0,
  MENTORING_ERR_INVALID_INPUT = 1,   /* input or config failed validation */
  MENTORING_ERR_UNKNOWN_COMMAND = 2, /* the module has no such command */
  MENTORING_ERR_UNAVAILABLE = 3,     /* a service, adapter or remote system is unreachable */
  MENTORING_ERR_FAILED = 4,          /* the command ran and failed */
  MENTORING_ERR_INTERNAL = 5         /* a bug: an unexpected exception inside the module */
} mentoring_status;

typedef enum mentoring_module_kind {
  MENTORING_KIND_PLUGIN = 1, /* the mentoring domain (plugin/) */
  MENTORING_KIND_ADAPTER = 2 /* talks to one host system (adapters/) */
} mentoring_module_kind;

typedef enum mentoring_log_level {
  MENTORING_LOG_DEBUG = 0,
  MENTORING_LOG_INFO = 1,
  MENTORING_LOG_WARN = 2,
  MENTORING_LOG_ERROR = 3
} mentoring_log_level;

/* ---------------------------------------------------------------- host side */

/* What the host hands to every module instance it creates. Owned by the host;
 * valid until the instance is destroyed. */
typedef struct mentoring_host {
  uint32_t struct_size; /* sizeof(mentoring_host) as the host was built */
  uint32_t abi_major;   /* the host's ABI version */
  uint32_t abi_minor;
  uint32_t abi_patch;
  const char* name;    /* eg: "mentoring-host" */
  const char* version; /* eg: "0.1.0" */
  void* context;       /* host-private; pass back unchanged */

  /* Looks up a host service by versioned name, eg "mentoring.log/1".
   * Returns a pointer to that service's struct (below), or NULL when the host
   * does not offer it. The pointer stays valid as long as the host struct. */
  const void* (*get_service)(const struct mentoring_host* host, const char* name);
} mentoring_host;

/* Every service struct starts with struct_size and a context pointer that is
 * passed back to each of its functions. Services returning a buffer allocate
 * it; the caller frees it with that service's free_buffer. On failure the
 * buffer, when set, holds a UTF-8 error message. */

#define MENTORING_SERVICE_LOG "mentoring.log/1"
typedef struct mentoring_log_v1 {
  uint32_t struct_size;
  void* context;
  /* Writes one log line. [thread-safe] The host redacts known secrets. */
  void (*write)(void* context, mentoring_log_level level, const char* message, size_t length);
} mentoring_log_v1;

#define MENTORING_SERVICE_CLOCK "mentoring.clock/1"
typedef struct mentoring_clock_v1 {
  uint32_t struct_size;
  void* context;
  /* The host's notion of now, milliseconds since 1970-01-01T00:00:00Z.
   * Modules never read the system clock themselves, so schedules are testable. */
  int64_t (*now_unix_ms)(void* context);
} mentoring_clock_v1;

#define MENTORING_SERVICE_CLOCK_V2 "mentoring.clock/2"
typedef struct mentoring_clock_v2 {
  uint32_t struct_size;
  void* context;
  /* As mentoring.clock/1: the programme's calendar clock. It may be pinned
   * (config "today") and stays the same for a whole run. */
  int64_t (*now_unix_ms)(void* context);
  /* Elapsed time: milliseconds from an arbitrary start, never going back and
   * moving during a run even when the calendar clock is pinned. For
   * durations only (token lifetimes, timeouts), never for dates.
   * Optional: a module looks it up and falls back to mentoring.clock/1 when
   * the host does not offer it; hosts of ABI 1.0 without it still load such
   * modules, so offering it needs no newer minor. */
  int64_t (*monotonic_ms)(void* context);
} mentoring_clock_v2;

#define MENTORING_SERVICE_SECRETS "mentoring.secrets/1"
typedef struct mentoring_secrets_v1 {
  uint32_t struct_size;
  void* context;
  /* Looks up a secret by name (eg "BAMBOOHR_API_KEY"). On MENTORING_OK, *value
   * holds it; MENTORING_ERR_UNAVAILABLE when unknown. Never log the value. */
  mentoring_status (*get)(void* context, const char* name, char** value, size_t* length);
  void (*free_buffer)(void* context, char* buffer);
} mentoring_secrets_v1;

#define MENTORING_SERVICE_STORAGE "mentoring.storage/1"
typedef struct mentoring_storage_v1 {
  uint32_t struct_size;
  void* context;
  /* This instance's private folder (one per organisation), existing and
   * writable; eg "/var/lib/mentoring/northwind". Valid as long as the host. */
  const char* (*directory)(void* context);
  /* The identifier of the organisation this instance serves, eg "northwind". */
  const char* (*organisation)(void* context);
} mentoring_storage_v1;

#define MENTORING_SERVICE_HTTP "mentoring.http/1"
typedef struct mentoring_http_v1 {
  uint32_t struct_size;
  void* context;
  /* Performs one HTTP request described as JSON:
   *   {"method":"GET","url":"https://...","headers":{"Accept":"application/json"},
   *    "body":"...","timeout_ms":30000}
   * and answers {"status":200,"headers":{...},"body":"..."}. A transport
   * failure (DNS, TLS, timeout) is MENTORING_ERR_UNAVAILABLE with a message. */
  mentoring_status (*request)(void* context, const char* request_json, size_t request_length,
                              char** response_json, size_t* response_length);
  void (*free_buffer)(void* context, char* buffer);
} mentoring_http_v1;

#define MENTORING_SERVICE_HTTP_V2 "mentoring.http/2"
typedef struct mentoring_http_v2 {
  uint32_t struct_size;
  void* context;
  /* As mentoring.http/1, but the answer comes in two buffers: *response_json
   * holds {"status":200,"headers":{...},"request_id":"http#3"} without the
   * body, and *body the body's bytes as received (not escaped into JSON).
   * Both are freed with free_buffer; on failure only *response_json is set
   * and holds the message. Optional: a module looks it up and falls back to
   * mentoring.http/1 when the host does not offer it. */
  mentoring_status (*request)(void* context, const char* request_json, size_t request_length,
                              char** response_json, size_t* response_length, char** body,
                              size_t* body_length);
  void (*free_buffer)(void* context, char* buffer);
} mentoring_http_v2;

#define MENTORING_SERVICE_ADAPTERS "mentoring.adapters/1"
typedef struct mentoring_adapters_v1 {
  uint32_t struct_size;
  void* context;
  /* The adapters configured for this instance's organisation, as JSON:
   *   [{"name":"hr-export","module":"file","capabilities":["read_people",...]}]
   * Only that organisation's adapters are visible. */
  mentoring_status (*list)(void* context, char** output, size_t* output_length);
  /* Calls one adapter's command, eg ("hr-export", "pull", {"stream":"people"}). */
  mentoring_status (*call)(void* context, const char* adapter_name, const char* command,
                           const char* input, size_t input_length, char** output,
                           size_t* output_length);
  void (*free_buffer)(void* context, char* buffer);
} mentoring_adapters_v1;

/* -------------------------------------------------------------- module side */

/* An instance of a module, opaque to the host. */
typedef struct mentoring_instance mentoring_instance;

typedef struct mentoring_module_descriptor {
  /* These four fields come first in every ABI version; the host checks them
   * before touching anything else. */
  uint32_t struct_size; /* sizeof(mentoring_module_descriptor) as the module was built */
  uint32_t magic;       /* MENTORING_MAGIC */
  uint32_t abi_major;   /* MENTORING_ABI_MAJOR the module was built against */
  uint32_t abi_minor;
  uint32_t abi_patch;

  mentoring_module_kind kind;
  const char* name;              /* eg: "file" (unique among modules of one kind) */
  const char* version;           /* eg: "0.1.0" */
  const char* description;       /* eg: "CSV/JSON exports of an HR system" */
  const char* capabilities_json; /* eg: ["read_people","read_leave","write_actions"] */

  /* Creates an instance for one organisation. config is JSON (UTF-8). On
   * failure *instance is NULL and last_error(NULL) tells why. [one-thread] */
  mentoring_status (*create)(const mentoring_host* host, const char* config, size_t config_length,
                             mentoring_instance** instance);
  /* Destroys an instance; NULL is ignored. */
  void (*destroy)(mentoring_instance* instance);
  /* Runs a command, eg "run", "pull", "check". input and output are JSON.
   * On MENTORING_OK *output holds the answer; otherwise last_error(instance)
   * tells why. *output is freed with free_buffer of the same module. */
  mentoring_status (*call)(mentoring_instance* instance, const char* command, const char* input,
                           size_t input_length, char** output, size_t* output_length);
  void (*free_buffer)(char* buffer);
  /* The message of the last failed call on this instance (or, with NULL, of
   * the last failed create on this thread). Valid until the next call. Never
   * NULL: "" when there was no error. */
  const char* (*last_error)(const mentoring_instance* instance);
} mentoring_module_descriptor;

/* The signature of the exported entry point. Must be callable any number of
 * times and always return the same, statically allocated descriptor. */
typedef const mentoring_module_descriptor* (*mentoring_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MENTORING_ABI_H */
