#include "transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <mutex>

namespace mentoring::adapters::smtp {

namespace {

constexpr std::size_t kRepliesKept = 4;
constexpr std::size_t kReplyLength = 300;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string* data;
  std::size_t at = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data->size() - upload->at);
  std::copy_n(upload->data->data() + upload->at, n, buffer);
  upload->at += n;
  return n;
}

}  // namespace

struct SmtpTransport::Impl {
  TransportSettings settings;
  CURL* curl = nullptr;
  std::deque<std::string> replies;  // the server's last reply lines
  char error[CURL_ERROR_SIZE] = {};

  static int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    if (type != CURLINFO_HEADER_IN) return 0;  // only what the server said
    auto* self = static_cast<Impl*>(user);
    std::string line(data, std::min(size, kReplyLength));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    self->replies.push_back(line);
    while (self->replies.size() > kRepliesKept) self->replies.pop_front();
    return 0;
  }

  // Whatever is shown never carries the credentials.
  std::string blanked(std::string text) const {
    for (const auto& secret : {settings.password, settings.username}) {
      if (!secret || secret->size() < 3) continue;
      for (std::size_t at; (at = text.find(*secret)) != std::string::npos;)
        text.replace(at, secret->size(), "***");
    }
    return text;
  }

  void prepare() {
    if (curl == nullptr) curl = curl_easy_init();
    curl_easy_reset(curl);
    replies.clear();
    error[0] = '\0';
    curl_easy_setopt(curl, CURLOPT_URL, settings.server.c_str());
    curl_easy_setopt(curl, CURLOPT_USE_SSL,
                     settings.starttls_required ? static_cast<long>(CURLUSESSL_ALL)
                                                : static_cast<long>(CURLUSESSL_TRY));
    if (!settings.ca_bundle.empty())
      curl_easy_setopt(curl, CURLOPT_CAINFO, settings.ca_bundle.c_str());
    if (settings.username) curl_easy_setopt(curl, CURLOPT_USERNAME, settings.username->c_str());
    if (settings.password) curl_easy_setopt(curl, CURLOPT_PASSWORD, settings.password->c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, settings.timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(settings.timeout_seconds, 30L));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, &Impl::on_debug);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, this);
  }

  SendOutcome outcome(CURLcode code) {
    SendOutcome out;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.code);
    std::string said;
    for (const auto& line : replies) said += (said.empty() ? "" : " | ") + line;
    std::string detail = error[0] != '\0' ? std::string(error) : curl_easy_strerror(code);
    if (code == CURLE_OK) {
      out.kind = SendOutcome::Kind::accepted;
      out.words = "accepted (" + said + ")";
      out.words = blanked(out.words);
      return out;
    }
    switch (code) {
      case CURLE_LOGIN_DENIED:
        out.kind = SendOutcome::Kind::refused_auth;
        out.words = "the server refused the user name and password: " + said;
        break;
      case CURLE_USE_SSL_FAILED:
        out.kind = SendOutcome::Kind::tls;
        out.words =
            "the server does not offer STARTTLS, which settings require (starttls: "
            "\"required\"): " +
            detail;
        break;
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
        out.kind = SendOutcome::Kind::tls;
        out.words = "TLS failed: " + detail + " (a private CA: give its bundle as ca_bundle)";
        break;
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_OPERATION_TIMEDOUT:
      case CURLE_GOT_NOTHING:
      case CURLE_RECV_ERROR:
        out.kind = SendOutcome::Kind::unreachable;
        out.words = "cannot reach " + settings.server + ": " + detail;
        break;
      default:
        if (out.code >= 400 && out.code <= 499) {
          out.kind = SendOutcome::Kind::temporary;
          out.words = "the server answered " + std::to_string(out.code) +
                      " (temporary; the plugin tries again later): " + said;
        } else if (out.code >= 500) {
          out.kind = SendOutcome::Kind::permanent;
          out.words = "the server refused it with " + std::to_string(out.code) + ": " + said;
        } else {
          out.kind = SendOutcome::Kind::unreachable;
          out.words = "the conversation with " + settings.server + " broke off: " + detail +
                      (said.empty() ? "" : " (server: " + said + ")");
        }
    }
    out.words = blanked(out.words);
    return out;
  }
};

SmtpTransport::SmtpTransport(TransportSettings settings) : impl_(std::make_unique<Impl>()) {
  global_init();
  impl_->settings = std::move(settings);
}

SmtpTransport::~SmtpTransport() {
  if (impl_->curl != nullptr) curl_easy_cleanup(impl_->curl);
}

SendOutcome SmtpTransport::send(const std::string& from_address, const std::string& to_address,
                                const std::string& message) {
  impl_->prepare();
  CURL* curl = impl_->curl;
  std::string from = "<" + from_address + ">";
  curl_slist* recipients = curl_slist_append(nullptr, ("<" + to_address + ">").c_str());
  Upload upload{&message};
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, &read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  CURLcode code = curl_easy_perform(curl);
  SendOutcome out = impl_->outcome(code);
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, nullptr);
  curl_slist_free_all(recipients);
  // Only a 250 to the DATA counts as accepted.
  if (out.kind == SendOutcome::Kind::accepted && out.code != 250) {
    out.kind = out.code >= 400 && out.code <= 499 ? SendOutcome::Kind::temporary
                                                  : SendOutcome::Kind::permanent;
    out.words = "the server answered " + std::to_string(out.code) + " to the message, not 250";
  }
  return out;
}

SendOutcome SmtpTransport::probe() {
  impl_->prepare();
  curl_easy_setopt(impl_->curl, CURLOPT_CUSTOMREQUEST, "NOOP");
  curl_easy_setopt(impl_->curl, CURLOPT_NOBODY, 1L);
  return impl_->outcome(curl_easy_perform(impl_->curl));
}

}  // namespace mentoring::adapters::smtp
