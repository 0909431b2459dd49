// One SMTP connection through libcurl: STARTTLS (required or not), AUTH with
// the user name and password from the host's secrets, a whole-transfer
// timeout, and the server's own words kept for the failure message (never a
// secret: the client's lines are not recorded, and the credentials are
// blanked out of anything shown).
//
//   SmtpTransport smtp(settings);
//   SendOutcome sent = smtp.send("<from@x>", "to@y", message);
//   if (sent.kind == SendOutcome::Kind::accepted) ...   // 250 to DATA
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace mentoring::adapters::smtp {

struct TransportSettings {
  std::string server;  // smtp://host:port or smtps://host:port
  bool starttls_required = true;
  std::optional<std::string> username, password;
  long timeout_seconds = 30;
  std::string ca_bundle;  // "" = the system's CAs
};

struct SendOutcome {
  enum class Kind {
    accepted,     // the server answered 250 to the message's DATA
    temporary,    // a 4xx answer: try again later
    permanent,    // a 5xx answer: this mail will not go as it is
    unreachable,  // no connection, or it broke or timed out
    tls,          // STARTTLS not offered, or the certificate not trusted
    refused_auth  // the server refused the user name and password
  };
  Kind kind = Kind::unreachable;
  long code = 0;      // the server's last reply code, 0 when none
  std::string words;  // what happened, with the server's reply lines
  bool is_outage() const {
    return kind == Kind::unreachable || kind == Kind::tls || kind == Kind::refused_auth;
  }
};

class SmtpTransport {
 public:
  explicit SmtpTransport(TransportSettings settings);
  ~SmtpTransport();
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  // One mail to one recipient; the connection is kept for the next mail.
  SendOutcome send(const std::string& from_address, const std::string& to_address,
                   const std::string& message);
  // Connects (STARTTLS, AUTH) and sends NOOP: what check reports.
  SendOutcome probe();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mentoring::adapters::smtp
