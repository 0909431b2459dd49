// participant_templates.hpp (private to sdk/serve/pages) — the bodies of the
// participant pages as kainjow mustache templates, compiled into the binary.
// {{x}} escapes HTML; no template uses {{{x}}}. The element ids are the ones
// the browser test uses (issue15-contract.md, "Serve routes").
//
// Partials every template may use: {{> error_summary}}, {{> result}}.
#pragma once

namespace mentoring::serve::pages::participant::templates {

extern const char* const kErrorSummary;
extern const char* const kResult;

extern const char* const kInvitation;
extern const char* const kMentorProposal;
extern const char* const kPair;
extern const char* const kSurvey;
extern const char* const kThanks;   // a single-use link just used: the result notice
extern const char* const kInvalid;  // a link that is not (or no longer) valid
extern const char* const kMessage;  // a refused request or an unavailable service

}  // namespace mentoring::serve::pages::participant::templates
