// pages.hpp — the people channel of `mentoring-host serve`: server-rendered
// HTML pages beside the JSON API (issue 15).
//
//   /l/{org}/{link token}   participant pages, opened from a signed link in an
//                           email (no account, no password): participant_pages.cpp
//   /hr/{org}/...           HR pages after a token login: hr_pages.cpp
//
// Every page is built from the same JSON the API answers (a command run for
// the caller the link or the login gives), so the HTML adds no rule of its
// own. Private to mentoring_serve.
//
// Threading: handlers run on the server's threads, several at once; the
// context is shared and read-only apart from what it guards itself.
#pragma once

#include <mentoring/serve/server.hpp>
#include <mentoring/serve/settings.hpp>

#include <httplib.h>

#include <string>
#include <string_view>
#include <vector>

namespace mentoring::serve::pages {

struct PageContext {
  const ServeSettings& settings;
  const ApiHandlers& handlers;  // authenticate (HR login), command (runs as a caller)
};

// Registers GET/POST /l/{org}/{token} (and what those pages post to).
void register_participant_pages(httplib::Server& server, const PageContext& context);
// Registers /hr/{org}/... (login, programme, proposals, supervision, evaluation, CSV).
void register_hr_pages(httplib::Server& server, const PageContext& context);

// ---- shared layout (layout.cpp) -------------------------------------------

// &, <, >, ", ' as entities: everything from data goes through this (or mustache's {{ }}).
std::string escape_html(std::string_view text);

struct Page {
  std::string title;      // <title> and the <h1>
  std::string body_html;  // already escaped where it holds data
  int status = 200;
  std::string language = "en";
  // Links shown in the page's navigation (HR pages); empty for participant pages.
  std::vector<std::pair<std::string, std::string>> navigation;  // {href, label}
};

// The whole document: doctype, lang, viewport, the one stylesheet inline,
// skip link, <main>. No external scripts, styles or fonts.
std::string render_page(const Page& page);

// Sends a page with the headers every page carries: Content-Security-Policy
// (default-src 'none'; style-src 'unsafe-inline' only for the inline sheet; no
// scripts from elsewhere), X-Content-Type-Options, Referrer-Policy no-referrer
// (a link's token never leaves in a Referer), Cache-Control no-store,
// X-Frame-Options DENY.
void send_page(httplib::Response& response, const Page& page);

// A POST from the page itself (as Go's http.CrossOriginProtection decides it):
// Sec-Fetch-Site, when the browser sends it, is "same-origin"; otherwise
// Origin, when sent, names this server (the Host header's host and port). A
// request with neither comes from no browser, so it cannot carry a person's
// click from another site (browsers send one of them with every cross-site POST).
// Served over TLS (serve's own certificate), only an https Origin is this server.
bool same_origin(const httplib::Request& request, bool served_over_tls);

}  // namespace mentoring::serve::pages
