// The smallest useful adapter: one person, read-only.
#include <mentoring/module.hpp>

#include <string>

class TinyAdapter : public mentoring::Module {
 public:
  TinyAdapter(const mentoring::Host& host, std::string_view) : host_(host) {}
  std::string call(std::string_view command, std::string_view) override {
    if (command == "check") {
      return R"({"ok":true,"capabilities":[{"name":"read_people","reachable":true,)"
             R"("authenticated":true,"permitted":true,"message":"built in"}]})";
    }
    if (command == "pull") {
      return R"({"records":[{"id":"T1","name":"Tiny Person"}],"next_cursor":"1","more":false})";
    }
    throw mentoring::Error(MENTORING_ERR_UNKNOWN_COMMAND, "tiny: unknown command");
  }

 private:
  mentoring::Host host_;
};

MENTORING_MODULE(MENTORING_KIND_ADAPTER, "tiny", "0.0.1", "out-of-tree example",
                 R"(["read_people"])", TinyAdapter)
