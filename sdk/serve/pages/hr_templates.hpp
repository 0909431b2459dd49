// hr_templates.hpp (private to sdk/serve/pages) — the HR pages' HTML as kainjow
// mustache templates, compiled into the binary. {{x}} escapes HTML; no
// template uses {{{x}}}. Element ids are the ones the browser test uses
// (issue15-contract.md, "Serve routes").
//
//   std::string html = hr::render(hr::templates::kOverview, data);
//
// Partials every template may use: {{> table}}, {{> chart}}, {{> notice_box}},
// {{> chooser}}, {{> sign_out}} (see hr_templates.cpp for the data each reads).
#pragma once

#include <kainjow/mustache.hpp>

#include <string>

namespace mentoring::serve::pages::hr {

using Data = kainjow::mustache::data;

namespace templates {
extern const char* const kTable;
extern const char* const kChart;
extern const char* const kNotice;
extern const char* const kChooser;
extern const char* const kSignOut;

extern const char* const kLogin;
extern const char* const kFailure;
extern const char* const kOverview;
extern const char* const kProposals;
extern const char* const kSupervision;
extern const char* const kEvaluation;
}  // namespace templates

// Renders a template with the partials above; throws std::logic_error for a
// template that does not parse (a programming error, caught by every test).
std::string render(const char* text, Data data);

// A list of data (mustache iterates it); an empty list renders nothing.
Data list();
// A string, or false when empty (so {{#x}}...{{/x}} shows only what is there).
Data optional(const std::string& text);

}  // namespace mentoring::serve::pages::hr
