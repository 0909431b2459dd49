// A well-formed adapter module for loader tests: echoes, throws, uses host services.
#include <mentoring/module.hpp>

#include <stdexcept>
#include <string>

class EchoModule : public mentoring::Module {
 public:
  EchoModule(const mentoring::Host& host, std::string_view config) : host_(host) {
    if (config == "refuse")
      throw mentoring::Error(MENTORING_ERR_INVALID_INPUT, "config refused: /x");
  }
  std::string call(std::string_view command, std::string_view input) override {
    if (command == "echo") return std::string(input);
    if (command == "throw") throw std::runtime_error("boom inside the module");
    if (command == "throw_other") throw 42;
    if (command == "now") return std::to_string(host_.now_unix_ms());
    if (command == "elapsed") {
      auto elapsed = host_.monotonic_ms();
      return elapsed ? std::to_string(*elapsed) : std::string("<no clock/2>");
    }
    if (command == "secret") return host_.secret(std::string(input)).value_or("<none>");
    if (command == "log") {
      host_.info(input);
      return "{}";
    }
    if (command == "storage") return host_.storage_directory();
    if (command == "http2") {
      auto answer = host_.http_split(input);
      return answer ? answer->head_json + "|" + answer->body : std::string("<no http/2>");
    }
    throw mentoring::Error(MENTORING_ERR_UNKNOWN_COMMAND,
                           "echo: unknown command " + std::string(command));
  }

 private:
  mentoring::Host host_;
};

MENTORING_MODULE(MENTORING_KIND_ADAPTER, "echo", "1.2.3", "test module", R"(["echo"])", EchoModule)
