// mentoring/serve/serve.hpp — the long-running `mentoring-host serve`: every
// organisation of the host config scheduled, and the HTTP API, in one process.
//
//   return mentoring::serve::serve(std::move(config), modules_dir);  // an exit code
//
// Prints "listening on http(s)://host:port" on stdout once it serves. SIGTERM
// or SIGINT: stops accepting, answers the requests in hand, finishes the
// cycles in hand, returns 0. Call it from the main thread before any other
// thread exists (it blocks those signals for every thread it starts).
#pragma once

#include <mentoring/host/config.hpp>

#include <filesystem>

namespace mentoring::serve {

// Throws SettingsError (a config error, exit 3) for settings it cannot use,
// host::AccessTokenStoreError when the token store cannot be opened; answers
// the exit code otherwise.
int serve(host::HostConfig config, const std::filesystem::path& default_modules_dir);

}  // namespace mentoring::serve
