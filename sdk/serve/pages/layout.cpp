// The one layout of every page: readable on a phone, keyboard-usable, AA contrast.
#include "pages.hpp"

namespace mentoring::serve::pages {

namespace {

// Colours chosen for WCAG 2.1 AA contrast (4.5:1 and more) on white.
constexpr const char* kStyle = R"css(
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff}
a{color:#0b5394}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #b35900;outline-offset:2px}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
label{display:block;font-weight:600;margin-top:1rem}
input,select,textarea,button{font:inherit;min-height:44px}
input[type=text],input[type=date],input[type=time],input[type=number],input[type=password],select,textarea{width:100%;padding:.5rem;border:1px solid #595959;border-radius:4px}
button{margin-top:1rem;padding:.5rem 1.25rem;border:0;border-radius:4px;background:#0b5394;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b5394;border:2px solid #0b5394}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #767676}
.notice{padding:1rem;border-left:4px solid #0b5394;background:#eef4fa}
.error{padding:1rem;border-left:4px solid #b00020;background:#fdecee}
h2{margin-top:2rem}
.hint{color:#4a4a4a;margin:.25rem 0}
.field-error{color:#b00020;font-weight:600;margin:.25rem 0}
[aria-invalid=true]{border:2px solid #b00020}
.error-summary{padding:1rem;border:4px solid #b00020;margin:1rem 0}
.error-summary:focus{outline:3px solid #b35900}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
fieldset{border:1px solid #767676;border-radius:4px;margin:1.5rem 0 0;padding:.5rem 1rem 1rem}
legend{font-weight:600;padding:0 .25rem}
input[type=checkbox],input[type=radio]{width:1.5rem;height:1.5rem;min-height:0;margin:0;flex:none;accent-color:#0b5394}
.check,.option{display:flex;align-items:center;gap:.5rem;min-height:44px}
.check label,.option label{display:inline;margin:0;font-weight:400}
.options{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
.options.stacked{flex-direction:column}
input.short{max-width:10rem}
.consent,.text{white-space:pre-line}
.consent{padding:1rem;border:1px solid #767676;border-radius:4px}
.actions{margin:1rem 0}
dl.explanation dt{font-weight:600;margin-top:.75rem}
dl.explanation dd{margin:0}
ul.notes{list-style:none;padding:0}
ul.notes li{border-bottom:1px solid #767676;padding:.5rem 0}
.meta{color:#4a4a4a;margin:0}
@media (max-width:30rem){button{width:100%}}
)css";

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_page(const Page& page) {
  std::string html =
      "<!doctype html>\n<html lang=\"" + escape_html(page.language) +
      "\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>" +
      escape_html(page.title) + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n";
  if (!page.navigation.empty()) {
    html += "<header><nav aria-label=\"Programme\"><ul>";
    for (const auto& [href, label] : page.navigation) {
      html += "<li><a href=\"" + escape_html(href) + "\">" + escape_html(label) + "</a></li>";
    }
    html += "</ul></nav></header>\n";
  }
  html += "<main id=\"main\">\n<h1>" + escape_html(page.title) + "</h1>\n" + page.body_html +
          "\n</main>\n</body>\n</html>\n";
  return html;
}

void send_page(httplib::Response& response, const Page& page) {
  response.status = page.status;
  response.set_header("Content-Security-Policy",
                      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("Cache-Control", "no-store");
  response.set_header("X-Frame-Options", "DENY");
  response.set_content(render_page(page), "text/html; charset=utf-8");
}

bool same_origin(const httplib::Request& request, bool served_over_tls) {
  // The browser's own word, which no page can set: behind a proxy that rewrites
  // Host (nginx does by default) it is still right, where Origin and Host differ.
  if (request.has_header("Sec-Fetch-Site")) {
    return request.get_header_value("Sec-Fetch-Site") == "same-origin";
  }
  if (!request.has_header("Origin")) return true;
  const std::string origin = request.get_header_value("Origin");
  const std::string host = request.get_header_value("Host");
  if (host.empty()) return false;
  // Served over TLS, only the https origin is this site. Served plain, the
  // scheme is not compared: behind a TLS-terminating proxy the browser's https
  // origin reaches a plain-HTTP serve; the host and port are what an attacking
  // page cannot share.
  if (origin == "https://" + host) return true;
  return !served_over_tls && origin == "http://" + host;
}

}  // namespace mentoring::serve::pages
