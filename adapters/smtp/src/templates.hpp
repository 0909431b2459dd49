// The mail templates: kainjow mustache, one subject, plain-text and HTML
// template per kind. The defaults are embedded (adapters/smtp/templates); an
// organisation's folder overrides them per programme:
// <folder>/<programme id>/<kind>.<part>.mustache over
// <folder>/default/<kind>.<part>.mustache over the embedded one.
//
// Every template is checked at load: it must parse, and every tag must name a
// variable its kind always has (view.hpp) — an optional one only inside its
// own section. A problem is a config error naming the file, the tag and the
// variables that exist, never a blank in a sent mail.
//
//   TemplateLibrary templates(folder, context);  // throws Error(INVALID_INPUT)
//   Rendered mail = templates.render("invite", "return-to-work", view);
#pragma once

#include "view.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace mentoring::adapters::smtp {

struct Rendered {
  std::string subject, text, html;
};

class TemplateLibrary {
 public:
  // folder "" uses the embedded templates only. context: the view context the
  // load check renders examples with (logo, links as configured).
  TemplateLibrary(const std::string& folder, const ViewContext& context);

  // Throws std::runtime_error when rendering fails (a name not found, which
  // the load check makes impossible) or the subject renders empty.
  Rendered render(const std::string& kind, const std::string& programme_id,
                  const nlohmann::json& view) const;

  // Template files larger than this are refused.
  static constexpr std::size_t kMaxTemplateBytes = 256 * 1024;

 private:
  struct Source {
    std::string file;  // where it came from, for messages
    std::string text;
  };
  const Source& source(const std::string& programme_id, const std::string& kind,
                       const std::string& part) const;
  // "<scope>/<kind>.<part>" -> source; scope is "embedded", "default" or a programme id.
  std::map<std::string, Source> sources_;
};

// The embedded default templates: "<kind>.<part>.mustache" -> text.
const std::map<std::string, std::string>& embedded_templates();

}  // namespace mentoring::adapters::smtp
