#include "templates.hpp"

#include <mentoring/abi.h>
#include <mentoring/module.hpp>

#include <kainjow/mustache.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace mentoring::adapters::smtp {

namespace fs = std::filesystem;
namespace mustache = kainjow::mustache;
using nlohmann::json;

namespace {

const std::vector<std::string> kParts = {"subject", "txt", "html"};

mustache::data to_data(const json& value) {
  if (value.is_object()) {
    mustache::data out{mustache::data::type::object};
    for (const auto& [key, item] : value.items()) out.set(key, to_data(item));
    return out;
  }
  if (value.is_array()) {
    mustache::data out{mustache::data::type::list};
    for (const auto& item : value) out.push_back(to_data(item));
    return out;
  }
  if (value.is_string()) return mustache::data(value.get<std::string>());
  if (value.is_boolean()) return mustache::data(value.get<bool>());
  if (value.is_null()) return mustache::data(false);
  return mustache::data(value.dump());
}

// The library's own context, noting every name it could not resolve.
class RecordingContext : public mustache::basic_context<std::string> {
 public:
  RecordingContext(const mustache::data* data, std::set<std::string>& missing)
      : inner_(data), missing_(missing) {}
  void push(const mustache::data* data) override { inner_.push(data); }
  void pop() override { inner_.pop(); }
  const mustache::data* get(const std::string& name) const override {
    const mustache::data* found = inner_.get(name);
    if (found == nullptr) missing_.insert(name);
    return found;
  }
  const mustache::data* get_partial(const std::string& name) const override {
    missing_.insert(">" + name);  // partials are not offered
    return nullptr;
  }

 private:
  mustache::context<std::string> inner_;
  std::set<std::string>& missing_;
};

std::string identity(const std::string& text) {
  return text;
}

// Renders `text` against `view`; names not found go to `missing`.
std::string render_text(const std::string& text, const std::string& part,
                        const mustache::data& data, std::set<std::string>& missing,
                        std::string& error) {
  mustache::mustache tmpl(text);
  if (!tmpl.is_valid()) {
    error = tmpl.error_message();
    return {};
  }
  if (part != "html") tmpl.set_custom_escape(identity);
  RecordingContext context(&data, missing);
  std::string out = tmpl.render(context);
  if (!tmpl.is_valid()) error = tmpl.error_message();
  return out;
}

// The variable names of a view, dotted, for messages; optional ones marked.
void names_of(const json& full, const json& minimal, const std::string& prefix,
              std::vector<std::string>& out) {
  for (const auto& [key, value] : full.items()) {
    std::string name = prefix + key;
    bool optional = !minimal.is_object() || !minimal.contains(key) ||
                    (minimal[key].is_boolean() && !minimal[key].get<bool>() && !value.is_boolean());
    if (value.is_object()) {
      out.push_back(name + (optional ? " (optional: {{#" + name + "}}...{{/" + name + "}})" : ""));
      names_of(value, minimal.is_object() && minimal.contains(key) ? minimal[key] : json(),
               name + ".", out);
    } else if (value.is_array()) {
      out.push_back(name + " (a list: {{#" + name + "}}{{.}}{{/" + name + "}})");
    } else {
      out.push_back(name + (optional ? " (optional)" : ""));
    }
  }
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string read_file(const fs::path& path, std::size_t limit) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec)
    throw Error(MENTORING_ERR_INVALID_INPUT, path.string() + ": cannot read: " + ec.message());
  if (size > limit) {
    throw Error(MENTORING_ERR_INVALID_INPUT, path.string() + ": found " + std::to_string(size) +
                                                 " bytes; expected at most " +
                                                 std::to_string(limit));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The load check of one template: problems in words (empty when none).
std::vector<std::string> check_template(const std::string& file, const std::string& text,
                                        const std::string& kind, const std::string& part,
                                        const ViewContext& context) {
  std::vector<std::string> problems;
  Recipient to{"E1", "Ada Example", "ada@example.org"};
  json full = view_of(example_action(kind, true), to, context);
  json minimal = view_of(example_action(kind, false), to, context);
  std::set<std::string> missing_full, missing_minimal, bare;
  std::string error;
  render_text(text, part, to_data(full), missing_full, error);
  if (!error.empty()) return {file + ": not a valid mustache template: " + error};
  render_text(text, part, to_data(minimal), missing_minimal, error);
  // Every value that is not text becomes a lambda: mustache calls it with
  // no text only for a bare {{name}}, which would print nothing.
  mustache::data probe{mustache::data::type::object};
  for (const auto& [key, value] : minimal.items()) {
    if (value.is_string()) {
      probe.set(key, mustache::data(value.get<std::string>()));
      continue;
    }
    std::string name = key;
    probe.set(key, mustache::lambda{[&bare, name](const std::string& inner) {
                if (inner.empty()) bare.insert(name);
                return std::string();
              }});
  }
  std::set<std::string> ignored;
  render_text(text, part, probe, ignored, error);

  std::vector<std::string> names;
  names_of(full, minimal, "", names);
  std::string exist = "; " + kind + " mails have: " + joined(names);
  for (const auto& name : missing_full) {
    if (name.starts_with(">")) {
      problems.push_back(file + ": tag {{" + name + "}}: partials are not offered" + exist);
    } else {
      problems.push_back(file + ": tag {{" + name + "}}: found a variable " + kind +
                         " mails do not have; expected one of theirs" + exist);
    }
  }
  for (const auto& name : missing_minimal) {
    if (missing_full.contains(name)) continue;
    std::string head = name.substr(0, name.find('.'));
    problems.push_back(file + ": tag {{" + name + "}}: \"" + head + "\" is not in every " + kind +
                       " mail; expected it inside its section {{#" + head + "}}...{{/" + head +
                       "}}" + exist);
  }
  for (const auto& name : bare) {
    problems.push_back(file + ": tag {{" + name + "}}: \"" + name +
                       "\" is not a text (a section, list or optional value) and would print "
                       "nothing; expected {{#" +
                       name + "}}...{{/" + name + "}} or one of its fields" + exist);
  }
  return problems;
}

}  // namespace

TemplateLibrary::TemplateLibrary(const std::string& folder, const ViewContext& context) {
  std::vector<std::string> problems;
  for (const auto& kind : kMailKinds) {
    for (const auto& part : kParts) {
      std::string name = kind + "." + part + ".mustache";
      auto it = embedded_templates().find(name);
      if (it == embedded_templates().end())
        throw Error(MENTORING_ERR_INTERNAL, "smtp adapter: no embedded template " + name);
      sources_["embedded/" + kind + "." + part] = {"(embedded) " + name, it->second};
    }
  }
  if (!folder.empty()) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
      throw Error(MENTORING_ERR_INVALID_INPUT,
                  "settings /templates: found \"" + folder +
                      "\", which is not a folder; expected a folder of <programme id>/ and "
                      "default/ folders of <kind>.<subject|txt|html>.mustache files");
    }
    std::vector<fs::path> scopes;
    for (const auto& entry : fs::directory_iterator(folder)) scopes.push_back(entry.path());
    std::sort(scopes.begin(), scopes.end());
    for (const auto& scope : scopes) {
      if (!fs::is_directory(scope)) {
        problems.push_back(scope.string() +
                           ": found a file; expected only folders (default/ or a programme id)");
        continue;
      }
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(scope)) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        std::string filename = file.filename().string();
        std::string kind, part;
        for (const auto& k : kMailKinds) {
          for (const auto& p : kParts) {
            if (filename == k + "." + p + ".mustache") kind = k, part = p;
          }
        }
        if (kind.empty()) {
          problems.push_back(file.string() +
                             ": found a file no mail uses; expected <kind>.<part>.mustache with "
                             "kind one of invite, reminder, notify, task, withdraw_invitation, "
                             "calendar_event and part one of subject, txt, html");
          continue;
        }
        sources_[scope.filename().string() + "/" + kind + "." + part] = {
            file.string(), read_file(file, kMaxTemplateBytes)};
      }
    }
  }
  for (const auto& [key, source] : sources_) {
    std::string kind = key.substr(key.find('/') + 1);
    std::string part = kind.substr(kind.rfind('.') + 1);
    kind = kind.substr(0, kind.rfind('.'));
    for (auto& p : check_template(source.file, source.text, kind, part, context))
      problems.push_back(std::move(p));
  }
  if (!problems.empty()) {
    std::string message = "smtp templates: " + std::to_string(problems.size()) + " problem(s):";
    for (const auto& p : problems) message += "\n" + p;
    throw Error(MENTORING_ERR_INVALID_INPUT, message);
  }
}

const TemplateLibrary::Source& TemplateLibrary::source(const std::string& programme_id,
                                                       const std::string& kind,
                                                       const std::string& part) const {
  for (const std::string& scope : {programme_id, std::string("default"), std::string("embedded")}) {
    if (scope.empty()) continue;
    auto it = sources_.find(scope + "/" + kind + "." + part);
    if (it != sources_.end()) return it->second;
  }
  throw std::runtime_error("no template for " + kind + "." + part);
}

Rendered TemplateLibrary::render(const std::string& kind, const std::string& programme_id,
                                 const json& view) const {
  mustache::data data = to_data(view);
  Rendered out;
  for (const auto& part : kParts) {
    const Source& src = source(programme_id, kind, part);
    std::set<std::string> missing;
    std::string error;
    std::string text = render_text(src.text, part, data, missing, error);
    if (!error.empty()) throw std::runtime_error(src.file + ": " + error);
    if (!missing.empty()) {
      throw std::runtime_error(src.file + ": tag {{" + *missing.begin() +
                               "}} found no value in this action");
    }
    (part == "subject" ? out.subject : part == "txt" ? out.text : out.html) = std::move(text);
  }
  return out;
}

}  // namespace mentoring::adapters::smtp
