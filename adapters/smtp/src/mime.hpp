// Building RFC 5322 / MIME messages without letting data become structure:
// every text that reaches a header is made one line (CR, LF and other
// controls become spaces), encoded as RFC 2047 words when it is not plain
// ASCII, and folded; bodies are base64 in 76-character lines, so no line of
// data can end a part or the message (a lone "." line included).
//
//   mime::Part text = mime::Part::leaf("text/plain; charset=utf-8", body);
//   mime::Part alt = mime::Part::multipart("alternative", {text, html}, "b1");
//   std::string message = mime::headers({{"Subject", mime::encoded_words(s)}}) + alt.serialise();
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mentoring::adapters::smtp::mime {

std::string base64(std::string_view data, bool wrap_lines = true);

// One line: CR, LF, tabs and other control characters become single spaces;
// leading and trailing spaces go.
std::string one_line(std::string_view text);

// A header value for unstructured text (Subject): as is when printable ASCII,
// else RFC 2047 "=?UTF-8?B?...?=" words of at most 75 characters that never
// split a UTF-8 character. Always one line (one_line first).
std::string encoded_words(std::string_view text);

// "Display Name" <address>, the name quoted or RFC 2047-encoded as needed;
// just <address> without a name. The address must have passed valid_address.
std::string mailbox(std::string_view name, std::string_view address);

// A plain addr-spec local@domain of printable ASCII without spaces, quotes,
// angle brackets or controls, at most 254 characters.
bool valid_address(std::string_view address);

// "Name: value" lines folded at spaces to at most 78 characters, CRLF-ended.
std::string header(std::string_view name, std::string_view value);

// RFC 5322 date of a Unix time in milliseconds, in UTC: "Mon, 07 Dec 2026 08:00:00 +0000".
std::string rfc5322_date(long long unix_ms);

struct Part {
  std::vector<std::pair<std::string, std::string>> headers;  // name, value (already safe)
  std::string body;                                          // encoded leaf body
  std::vector<Part> children;                                // multipart only
  std::string boundary;                                      // multipart only

  // A leaf: Content-Type as given, the data base64-encoded.
  static Part leaf(std::string content_type, std::string_view data);
  // multipart/<subtype> of the children, with a boundary no base64 line can contain.
  static Part multipart(const std::string& subtype, std::vector<Part> children,
                        std::string boundary);
  // Headers and body, CRLF line ends.
  std::string serialise() const;
};

}  // namespace mentoring::adapters::smtp::mime
