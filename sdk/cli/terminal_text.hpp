// sdk/cli/terminal_text.hpp — what mentoring-host prints passes through here,
// so a host's text (a person's name, a file name, a host's error message)
// cannot drive the terminal: control characters are shown escaped instead of
// sent. C0 controls but newline and tab (U+0000 to U+001F), DEL (U+007F) and
// the C1 controls (U+0080 to U+009F, eg the one-byte CSI) become "\u001b"
// and the like. JSON output stays valid JSON with the same values: outside
// strings it holds no such characters, and inside one "\u001b" is the same
// character escaped.
#pragma once

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace mentoring::cli {

// Appends `text` to `out` with its control characters escaped as above.
// Stateless over whole texts; TerminalSafeBuffer does the same across writes.
inline void append_terminal_safe(std::string& out, std::string_view text, bool& pending_c2) {
  auto escape = [&](unsigned code) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\u%04x", code);
    out += buffer;
  };
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (pending_c2) {
      pending_c2 = false;
      if (c >= 0x80 && c <= 0x9F) {  // U+0080..U+009F in UTF-8: C2 80..C2 9F
        escape(c);
        continue;
      }
      out.push_back('\xC2');
    }
    if (c == 0xC2) {
      pending_c2 = true;
    } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
      escape(c);
    } else {
      out.push_back(ch);
    }
  }
}

inline std::string terminal_safe(std::string_view text) {
  std::string out;
  bool pending_c2 = false;
  append_terminal_safe(out, text, pending_c2);
  if (pending_c2) out.push_back('\xC2');
  return out;
}

// A stream buffer that escapes what passes through it into another one.
class TerminalSafeBuffer : public std::streambuf {
 public:
  explicit TerminalSafeBuffer(std::streambuf* target) : target_(target) {}
  ~TerminalSafeBuffer() override { flush_pending(); }

 protected:
  int_type overflow(int_type ch) override {
    if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
    const char c = traits_type::to_char_type(ch);
    return xsputn(&c, 1) == 1 ? ch : traits_type::eof();
  }
  std::streamsize xsputn(const char* data, std::streamsize count) override {
    scratch_.clear();
    append_terminal_safe(scratch_, std::string_view(data, static_cast<std::size_t>(count)),
                         pending_c2_);
    const auto size = static_cast<std::streamsize>(scratch_.size());
    return target_->sputn(scratch_.data(), size) == size ? count : 0;
  }
  int sync() override {
    // A lone C2 byte waits for the next one; at a flush it goes as it is.
    return target_->pubsync();
  }

 private:
  void flush_pending() {
    if (pending_c2_) target_->sputc('\xC2');
    pending_c2_ = false;
    target_->pubsync();
  }
  std::streambuf* target_;
  std::string scratch_;
  bool pending_c2_ = false;
};

// Puts TerminalSafeBuffer in front of a stream for its lifetime.
class TerminalSafeStream {
 public:
  explicit TerminalSafeStream(std::ostream& stream)
      : stream_(stream), buffer_(stream.rdbuf()), original_(stream.rdbuf(&buffer_)) {}
  ~TerminalSafeStream() {
    stream_.flush();
    stream_.rdbuf(original_);
  }
  TerminalSafeStream(const TerminalSafeStream&) = delete;
  TerminalSafeStream& operator=(const TerminalSafeStream&) = delete;

 private:
  std::ostream& stream_;
  TerminalSafeBuffer buffer_;
  std::streambuf* original_;
};

// The host's log lines (spdlog, straight to stderr) escaped the same way,
// colours kept: registered as the "mentoring" logger before the runtime makes it.
class TerminalSafeLogSink : public spdlog::sinks::stderr_color_sink_mt {
 public:
  void log(const spdlog::details::log_msg& message) override {
    const std::string safe =
        terminal_safe(std::string_view(message.payload.data(), message.payload.size()));
    spdlog::details::log_msg copy = message;
    copy.payload = spdlog::string_view_t(safe.data(), safe.size());
    spdlog::sinks::stderr_color_sink_mt::log(copy);
  }
};

}  // namespace mentoring::cli
