// The loadable shell of the file adapter: the C ABI entry point around
// FileAdapter. All behaviour lives in the core library, so it is unit-tested
// without loading a module.
#include "file_adapter/file_adapter.hpp"

#include <mentoring/module.hpp>

namespace {

class FileAdapterModule : public mentoring::Module {
 public:
  FileAdapterModule(const mentoring::Host& host, std::string_view config_json)
      : host_(host),
        adapter_(config_json, [this](std::string_view message) { host_.warn(message); }) {
    // Row snapshots live in the organisation's storage folder; a host without
    // the storage service gets whole reads (file/README.md, "Row snapshots").
    try {
      adapter_.use_snapshots(mentoring::adapters::file::snapshot_directory(
          host_.storage_directory(), adapter_.name()));
    } catch (const mentoring::Error&) {
    }
  }

  std::string call(std::string_view command, std::string_view input) override {
    return adapter_.call(command, input);
  }

 private:
  mentoring::Host host_;  // declared first: the adapter's warnings go through it
  mentoring::adapters::file::FileAdapter adapter_;
};

}  // namespace

MENTORING_MODULE(
    MENTORING_KIND_ADAPTER, "file", "0.1.0",
    "Reads CSV/JSON exports of an HR system; writes actions to a JSON-lines outbox file",
    R"(["read_people","read_leave","read_course_completions","read_keeping_in_touch_days","write_actions"])",
    FileAdapterModule)
