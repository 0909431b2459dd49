#include "mime.hpp"

#include <array>
#include <ctime>

namespace mentoring::adapters::smtp::mime {

std::string base64(std::string_view data, bool wrap_lines) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(data.size() / 3 * 4 + data.size() / 57 * 2 + 8);
  std::size_t line = 0;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    unsigned value = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) value |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (i + 2 < data.size()) value |= static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(value >> 18) & 63];
    out += kAlphabet[(value >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(value >> 6) & 63] : '=';
    out += i + 2 < data.size() ? kAlphabet[value & 63] : '=';
    line += 4;
    if (wrap_lines && line >= 76 && i + 3 < data.size()) {
      out += "\r\n";
      line = 0;
    }
  }
  return out;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    char put = control ? ' ' : c;
    if (put == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += put;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

namespace {

bool printable_ascii(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7E) return false;
  }
  return true;
}

// Pieces of at most `bytes` bytes, never cutting a UTF-8 character.
std::vector<std::string> utf8_pieces(std::string_view text, std::size_t bytes) {
  std::vector<std::string> pieces;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = std::min(text.size(), at + bytes);
    while (end < text.size() && end > at + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    pieces.emplace_back(text.substr(at, end - at));
    at = end;
  }
  return pieces;
}

std::string words_of(std::string_view text) {
  // Words of 64 characters (39 bytes of text) keep "Subject: " + one word within 78.
  std::string out;
  for (const auto& piece : utf8_pieces(text, 39)) {
    out += (out.empty() ? "" : " ") + std::string("=?UTF-8?B?") + base64(piece, false) + "?=";
  }
  return out;
}

}  // namespace

std::string encoded_words(std::string_view text) {
  std::string line = one_line(text);
  if (printable_ascii(line) && line.find("=?") == std::string::npos) return line;
  return words_of(line);
}

std::string mailbox(std::string_view name, std::string_view address) {
  std::string display = one_line(name);
  std::string angle = "<" + std::string(address) + ">";
  if (display.empty()) return angle;
  bool plain = true;
  for (char c : display) {
    auto u = static_cast<unsigned char>(c);
    bool safe = (u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
                c == ' ' || c == '.' || c == '-' || c == '\'' || c == ',' || c == '(' || c == ')' ||
                c == '&' || c == '_';
    if (!safe) plain = false;
  }
  if (plain && display.find("=?") == std::string::npos) return "\"" + display + "\" " + angle;
  return words_of(display) + " " + angle;
}

bool valid_address(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() || at > 64) return false;
  std::string_view local = address.substr(0, at), domain = address.substr(at + 1);
  static constexpr std::string_view kLocalSpecials = "!#$%&'*+/=?^_`{|}~.-";
  for (char c : local) {
    auto u = static_cast<unsigned char>(c);
    bool alnum = (u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z');
    if (!alnum && kLocalSpecials.find(c) == std::string_view::npos) return false;
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return false;
  if (domain.front() == '.' || domain.back() == '.' || domain.front() == '-' ||
      domain.find("..") != std::string_view::npos)
    return false;
  for (char c : domain) {
    auto u = static_cast<unsigned char>(c);
    bool ok = (u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string header(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ":";
  std::size_t line = out.size();
  std::size_t at = 0;
  std::string_view rest = value;
  while (at < rest.size()) {
    std::size_t space = rest.find(' ', at);
    std::string_view word =
        rest.substr(at, space == std::string_view::npos ? std::string_view::npos : space - at);
    if (line + 1 + word.size() > 78 && line > name.size() + 1) {
      out += "\r\n";
      line = 0;
    }
    out += " ";
    out += word;
    line += 1 + word.size();
    if (space == std::string_view::npos) break;
    at = space + 1;
  }
  out += "\r\n";
  return out;
}

std::string rfc5322_date(long long unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return text;
}

Part Part::leaf(std::string content_type, std::string_view data) {
  Part part;
  part.headers = {{"Content-Type", std::move(content_type)},
                  {"Content-Transfer-Encoding", "base64"}};
  part.body = base64(data);
  return part;
}

Part Part::multipart(const std::string& subtype, std::vector<Part> children, std::string boundary) {
  Part part;
  part.headers = {{"Content-Type", "multipart/" + subtype + "; boundary=\"" + boundary + "\""}};
  part.children = std::move(children);
  part.boundary = std::move(boundary);
  return part;
}

std::string Part::serialise() const {
  std::string out;
  for (const auto& [name, value] : headers) out += header(name, value);
  out += "\r\n";
  if (children.empty()) {
    out += body;
    out += "\r\n";
    return out;
  }
  for (const auto& child : children) {
    out += "--" + boundary + "\r\n";
    out += child.serialise();
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace mentoring::adapters::smtp::mime
