#include "http_client.hpp"

#include "secrets.hpp"

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

namespace mentoring::host {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t append_header(char* data, size_t size, size_t count, void* user) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    auto trim = [](std::string& s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t\r\n") + 1);
    };
    trim(name);
    trim(value);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    (*static_cast<nlohmann::json*>(user))[name] = value;
  }
  return size * count;
}

}  // namespace

HttpClient::HttpClient(Secrets& secrets, std::shared_ptr<spdlog::logger> logger)
    : secrets_(secrets), logger_(std::move(logger)) {
  global_init_once();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

std::string HttpClient::perform(const std::string& request_json) {
  static std::atomic<unsigned> next_id{1};
  auto request = nlohmann::json::parse(request_json);
  if (!request.contains("url") || !request["url"].is_string()) {
    throw std::invalid_argument("http request: \"url\" missing or not a string");
  }
  std::string url = request["url"];
  std::string method = request.value("method", std::string("GET"));
  long timeout_ms = request.value("timeout_ms", 30000L);
  std::string body = request.value("body", std::string());
  unsigned id = next_id++;

  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  struct curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.value("headers", nlohmann::json::object()).items()) {
    std::string line = name + ": " + (value.is_string() ? value.get<std::string>() : value.dump());
    headers = curl_slist_append(headers, line.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  std::string response_body;
  nlohmann::json response_headers = nlohmann::json::object();
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response_body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &append_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response_headers);

  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  std::string safe_url = secrets_.redact(url);
  if (code != CURLE_OK) {
    std::string message = "request " + std::to_string(id) + " " + method + " " + safe_url +
                          ": " + curl_easy_strerror(code);
    logger_->warn("http {}", message);
    throw HttpError(message);
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  logger_->debug("http request {} {} {} -> {}", id, method, safe_url, status);
  return nlohmann::json{{"status", status}, {"headers", response_headers}, {"body", response_body}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mentoring::host
