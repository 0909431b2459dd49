/*
 * mentoring/abi.h — the C ABI between the host and its modules, version 1.1.
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
 * Every function pointer below is marked:
 *   [required]      never NULL; the host refuses a descriptor (or a module a
 *                   service) without it.
 *   [optional]      may be NULL; the caller checks and does without.
 * and says from which threads it may be called:
 *   [thread-safe]   from any thread, also concurrently.
 *   [one-thread]    for one instance, never concurrently: the host serialises
 *                   create/call/destroy of an instance (it may move between
 *                   threads from one call to the next); distinct instances may
 *                   be used from distinct threads at the same time.
 *   [in-call]       only by a module, from inside the create or call of the
 *                   instance the host struct was given to (so [one-thread]).
 * and who owns what it returns (see "Ownership" at each).
 *
 * Values cross as fixed-width integers (int32_t, uint32_t, int64_t, size_t),
 * never as C enums, whose size a compiler may choose: the named constants
 * below are the values. Versions: 1.1 made mentoring_status,
 * mentoring_module_kind and mentoring_log_level int32_t typedefs (1.0 declared
 * them as enums of the same size and values, so 1.0 modules still load).
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
#define MENTORING_ABI_MINOR 2
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

/* The result of a call. A receiver treats a value it does not know as
 * MENTORING_ERR_FAILED. */
typedef int32_t mentoring_status;
#define MENTORING_OK ((mentoring_status)0)
/* input or config failed validation */
#define MENTORING_ERR_INVALID_INPUT ((mentoring_status)1)
/* the module has no such command */
#define MENTORING_ERR_UNKNOWN_COMMAND ((mentoring_status)2)
/* a service, adapter or remote system is unreachable */
#define MENTORING_ERR_UNAVAILABLE ((mentoring_status)3)
/* the command ran and failed */
#define MENTORING_ERR_FAILED ((mentoring_status)4)
/* a bug: an unexpected exception inside the module */
#define MENTORING_ERR_INTERNAL ((mentoring_status)5)
/* since 1.2: the caller's role may not run this command, or not on this
 * object (call_as); the message says which permission was missing */
#define MENTORING_ERR_FORBIDDEN ((mentoring_status)6)
/* since 1.2: the object named does not exist, or the caller may not know it
 * exists (another pair's session, a person of another organisation) */
#define MENTORING_ERR_NOT_FOUND ((mentoring_status)7)

/* What a module is; mentoring-host refuses a module of another kind than the config names. */
typedef int32_t mentoring_module_kind;
/* the mentoring domain (plugin/) */
#define MENTORING_KIND_PLUGIN ((mentoring_module_kind)1)
/* talks to one host system (adapters/) */
#define MENTORING_KIND_ADAPTER ((mentoring_module_kind)2)

/* A log line's level. */
typedef int32_t mentoring_log_level;
#define MENTORING_LOG_DEBUG ((mentoring_log_level)0)
#define MENTORING_LOG_INFO ((mentoring_log_level)1)
#define MENTORING_LOG_WARN ((mentoring_log_level)2)
#define MENTORING_LOG_ERROR ((mentoring_log_level)3)

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
   * does not offer it. [required] [thread-safe]
   * Ownership: the host's; valid as long as the host struct. */
  const void* (*get_service)(const struct mentoring_host* host, const char* name);
} mentoring_host;

/* Every service struct starts with struct_size and a context pointer that is
 * passed back to each of its functions. Services returning a buffer allocate
 * it; the caller owns it and frees it with that service's free_buffer
 * ([required] [thread-safe] in every service that has one). On failure the
 * buffer, when set, holds a UTF-8 error message. Every service function is
 * [required] unless marked [optional]; a module calls them [in-call]. A
 * service struct may grow at its end: read a field only when struct_size
 * covers it. */

#define MENTORING_SERVICE_LOG "mentoring.log/1"
typedef struct mentoring_log_v1 {
  uint32_t struct_size;
  void* context;
  /* Writes one log line (message need not end in NUL). [required] [thread-safe]
   * The host redacts known secrets. */
  void (*write)(void* context, mentoring_log_level level, const char* message, size_t length);
} mentoring_log_v1;

#define MENTORING_SERVICE_CLOCK "mentoring.clock/1"
typedef struct mentoring_clock_v1 {
  uint32_t struct_size;
  void* context;
  /* The host's notion of now, milliseconds since 1970-01-01T00:00:00Z.
   * Modules never read the system clock themselves, so schedules are testable.
   * [required] [thread-safe] */
  int64_t (*now_unix_ms)(void* context);
} mentoring_clock_v1;

#define MENTORING_SERVICE_CLOCK_V2 "mentoring.clock/2"
typedef struct mentoring_clock_v2 {
  uint32_t struct_size;
  void* context;
  /* As mentoring.clock/1: the programme's calendar clock. It may be pinned
   * (config "today") and stays the same for a whole run. [required] [thread-safe] */
  int64_t (*now_unix_ms)(void* context);
  /* Elapsed time: milliseconds from an arbitrary start, never going back and
   * moving during a run even when the calendar clock is pinned. For
   * durations only (token lifetimes, timeouts), never for dates.
   * Optional: a module looks it up and falls back to mentoring.clock/1 when
   * the host does not offer it; hosts of ABI 1.0 without it still load such
   * modules, so offering it needs no newer minor. [optional] [thread-safe] */
  int64_t (*monotonic_ms)(void* context);
} mentoring_clock_v2;

#define MENTORING_SERVICE_SECRETS "mentoring.secrets/1"
typedef struct mentoring_secrets_v1 {
  uint32_t struct_size;
  void* context;
  /* Looks up a secret by name (eg "BAMBOOHR_API_KEY"). On MENTORING_OK, *value
   * holds it; MENTORING_ERR_UNAVAILABLE when unknown. Never log the value.
   * [required] [in-call] Ownership: *value is the caller's, freed with free_buffer. */
  mentoring_status (*get)(void* context, const char* name, char** value, size_t* length);
  void (*free_buffer)(void* context, char* buffer);
} mentoring_secrets_v1;

#define MENTORING_SERVICE_STORAGE "mentoring.storage/1"
typedef struct mentoring_storage_v1 {
  uint32_t struct_size;
  void* context;
  /* This instance's private folder (one per organisation), existing and
   * writable; eg "/var/lib/mentoring/northwind". [required] [thread-safe]
   * Ownership: the host's; valid as long as the host struct. */
  const char* (*directory)(void* context);
  /* The identifier of the organisation this instance serves, eg "northwind".
   * [required] [thread-safe] Ownership: the host's; valid as long as the host struct. */
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
   * failure (DNS, TLS, timeout) is MENTORING_ERR_UNAVAILABLE with a message.
   * [required] [in-call] Ownership: *response_json is the caller's, freed with
   * free_buffer. */
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
   * mentoring.http/1 when the host does not offer it. [required] [in-call]
   * Ownership: *response_json and *body are the caller's. */
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
   * Only that organisation's adapters are visible. [required] [in-call]
   * Ownership: *output is the caller's, freed with free_buffer. */
  mentoring_status (*list)(void* context, char** output, size_t* output_length);
  /* Calls one adapter's command, eg ("hr-export", "pull", {"stream":"people"}).
   * [required] [in-call] (the adapter's instance is [one-thread] in turn)
   * Ownership: *output (the answer, or the message on failure) is the caller's. */
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

  /* Creates an instance for one organisation. config is JSON (UTF-8), not
   * NUL-terminated. On failure *instance is NULL and last_error(NULL), asked
   * on the same thread, tells why. [required] [thread-safe] (instances of
   * distinct organisations may be created at once)
   * Ownership: the instance is the host's, until it passes it to destroy; the
   * module keeps no pointer into config after it returns. */
  mentoring_status (*create)(const mentoring_host* host, const char* config, size_t config_length,
                             mentoring_instance** instance);
  /* Destroys an instance; NULL is ignored. [required] [one-thread] */
  void (*destroy)(mentoring_instance* instance);
  /* Runs a command, eg "run", "pull", "check". input and output are JSON.
   * On MENTORING_OK *output holds the answer; otherwise last_error(instance)
   * tells why. [required] [one-thread]
   * Ownership: *output is the host's, freed with free_buffer of the same module. */
  mentoring_status (*call)(mentoring_instance* instance, const char* command, const char* input,
                           size_t input_length, char** output, size_t* output_length);
  /* Frees an output of call. [required] [thread-safe] */
  void (*free_buffer)(char* buffer);
  /* The message of the last failed call on this instance (or, with NULL, of
   * the last failed create on this thread). Valid until the next call. Never
   * NULL: "" when there was no error. [required] [one-thread] for an instance;
   * with NULL, [thread-safe] (each thread sees its own last failed create).
   * Ownership: the module's. */
  const char* (*last_error)(const mentoring_instance* instance);

  /* ---- since ABI 1.2 (a 1.0/1.1 descriptor ends above; the host reads
   * struct_size before touching what follows) ---- */

  /* Runs a command on behalf of an authenticated caller. caller_json (UTF-8,
   * not NUL-terminated) is decided by the host from a token or from the
   * command line, never from the request:
   *   {"organisation": "northwind", "role": "admin"|"hr"|"mentor"|"mentee"|"system",
   *    "person_id": "E1246" (mentor and mentee only), "name": "who, for the audit log"}
   * (schemas/caller.schema.json). The module refuses what the role may not do
   * with MENTORING_ERR_FORBIDDEN, and what the caller may not see as if it did
   * not exist (MENTORING_ERR_NOT_FOUND).
   * `call` is the same as call_as with the organisation's admin as caller: a
   * host offers `call` only to the local operator (the command line).
   * [optional] NULL: the module does not know callers; the host then refuses
   * every caller but admin. [one-thread], like call.
   * Ownership: *output is the host's, freed with free_buffer. */
  mentoring_status (*call_as)(mentoring_instance* instance, const char* caller_json,
                              size_t caller_length, const char* command, const char* input,
                              size_t input_length, char** output, size_t* output_length);
} mentoring_module_descriptor;

/* sizeof a descriptor that ends at last_error (ABI 1.0 and 1.1). */
#define MENTORING_DESCRIPTOR_SIZE_1_0 offsetof(mentoring_module_descriptor, call_as)

/* The signature of the exported entry point. Must be callable any number of
 * times and always return the same, statically allocated descriptor.
 * [required] [thread-safe] Ownership: the module's; valid while it is loaded. */
typedef const mentoring_module_descriptor* (*mentoring_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MENTORING_ABI_H */
