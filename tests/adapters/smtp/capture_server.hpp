// The loopback capture server (tests/tools/smtp/capture.py) started and
// stopped by a test, and what it captured parsed back by Python's email
// package (tests/tools/smtp/parse_mail.py).
#pragma once

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace smtp_test {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh folder of the test's own (several test processes run at once).
inline fs::path temp_folder(const std::string& stem) {
  std::string pattern = (fs::temp_directory_path() / (stem + "-XXXXXX")).string();
  char* made = ::mkdtemp(pattern.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  return made;
}

// A self-signed certificate for 127.0.0.1, made by `openssl req`.
struct Certificate {
  fs::path cert, key;
  static Certificate make(const fs::path& folder) {
    Certificate c{folder / "cert.pem", folder / "key.pem"};
    std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
        c.key.string() + "' -out '" + c.cert.string() + "' >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl req failed");
    return c;
  }
};

class CaptureServer {
 public:
  explicit CaptureServer(std::vector<std::string> options) : folder_(temp_folder("smtp-capture")) {
    std::vector<std::string> args = {PYTHON3,       CAPTURE_PY,
                                     "--port-file", (folder_ / "port").string(),
                                     "--maildir",   (folder_ / "mail").string()};
    args.insert(args.end(), options.begin(), options.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 200 && !fs::exists(folder_ / "port"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!fs::exists(folder_ / "port")) throw std::runtime_error("capture.py did not start");
    port_ = std::stoi(slurp(folder_ / "port"));
  }
  ~CaptureServer() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    std::error_code ec;
    fs::remove_all(folder_, ec);
  }
  CaptureServer(const CaptureServer&) = delete;
  CaptureServer& operator=(const CaptureServer&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  fs::path mail(int n) const { return folder_ / "mail" / (std::to_string(n) + ".eml"); }
  int count() const {
    int n = 0;
    while (fs::exists(mail(n + 1))) ++n;
    return n;
  }
  // The envelope of mail n: {"mail_from", "rcpt_tos", "tls", "auth"}.
  json envelope(int n) const {
    return json::parse(slurp(folder_ / "mail" / (std::to_string(n) + ".json")));
  }
  // Mail n parsed back by Python's email package (parse_mail.py).
  json parsed(int n) const {
    std::string command =
        std::string(PYTHON3) + " " + PARSE_MAIL_PY + " '" + mail(n).string() + "'";
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string out;
    char buffer[4096];
    while (std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, got);
    ::pclose(pipe);
    return json::parse(out);
  }

 private:
  fs::path folder_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// The decoded leaf of a parsed mail with this content type (null when none).
inline json part_of(const json& parsed, const std::string& content_type) {
  for (const auto& p : parsed["parts"])
    if (p["content_type"] == content_type) return p;
  return nullptr;
}

inline std::string header_of(const json& parsed, const std::string& lower_name) {
  if (!parsed["headers"].contains(lower_name)) return "";
  return parsed["headers"][lower_name][0];
}

}  // namespace smtp_test
