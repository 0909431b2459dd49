#include <mentoring/schema.hpp>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

namespace mentoring::schema {
namespace detail {
extern const std::pair<std::string_view, std::string_view> kEmbeddedSchemas[];
}

namespace {

using json = nlohmann::json;

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Follows "$ref": "#/..." inside the same schema document.
const json* resolve(const json& root, const json* node) {
  for (int depth = 0; node && node->is_object() && node->contains("$ref") && depth < 16; ++depth) {
    const auto& ref = (*node)["$ref"];
    if (!ref.is_string()) break;
    std::string target = ref.get<std::string>();
    if (target.rfind("#", 0) != 0) break;
    try {
      node = &root.at(json::json_pointer(target.substr(1)));
    } catch (const json::exception&) {
      return nullptr;
    }
  }
  return node;
}

// The subschema describing the value at `tokens` of a document (best effort:
// properties, additionalProperties, items, and the first anyOf branch that fits).
const json* schema_at(const json& root, const std::vector<std::string>& tokens) {
  const json* node = resolve(root, &root);
  for (const auto& token : tokens) {
    if (!node || !node->is_object()) return nullptr;
    const json* next = nullptr;
    if (node->contains("properties") && (*node)["properties"].contains(token)) {
      next = &(*node)["properties"][token];
    } else if (node->contains("items") && (*node)["items"].is_object()) {
      next = &(*node)["items"];
    } else if (node->contains("additionalProperties") &&
               (*node)["additionalProperties"].is_object()) {
      next = &(*node)["additionalProperties"];
    }
    node = resolve(root, next);
  }
  if (node && node->is_object() && node->contains("anyOf")) {
    for (const auto& branch : (*node)["anyOf"]) {
      const json* b = resolve(root, &branch);
      if (b && b->is_object() && (b->contains("pattern") || b->contains("enum"))) return b;
    }
  }
  return node;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
  return out;
}

// What the schema node expects, in words: its type, enum, pattern and description.
std::string expectation(const json* node) {
  if (!node || !node->is_object()) return "a value allowed by the schema";
  std::vector<std::string> parts;
  if (node->contains("enum")) {
    std::vector<std::string> values;
    for (const auto& v : (*node)["enum"]) values.push_back(v.dump());
    parts.push_back("one of: " + join(values));
  } else if (node->contains("type")) {
    const auto& t = (*node)["type"];
    if (t.is_string()) {
      parts.push_back(t.get<std::string>());
    } else if (t.is_array()) {
      std::vector<std::string> types;
      for (const auto& x : t) types.push_back(x.get<std::string>());
      parts.push_back(join(types, " or "));
    }
  }
  if (node->contains("description") && (*node)["description"].is_string()) {
    parts.push_back((*node)["description"].get<std::string>());
  }
  if (parts.empty()) return "a value allowed by the schema";
  return join(parts, "; ");
}

bool is_wrapper_message(const std::string& description) {
  static const char* const kWrappers[] = {
      "Failed to validate against schema associated with property name",
      "Failed to validate item #",
      "Failed to validate against child schema",
      "Failed to validate against additional properties schema",
      "Failed to validate against schema associated with pattern",
      "Failed to validate against dependent schema",
      "Failed to validate against a conditional schema",
  };
  for (const char* w : kWrappers) {
    if (description.rfind(w, 0) == 0) return true;
  }
  return false;
}

// valijson's descriptions end with the name: "...: '<name>'." The name runs to
// the last quote, as it may hold quotes itself (found by tests/fuzz/sync_records).
std::string quoted_name(const std::string& description, const std::string& before) {
  auto start = description.find(before);
  if (start == std::string::npos) return {};
  start += before.size();
  auto end = description.rfind('\'');
  if (end == std::string::npos || end < start) return {};
  return description.substr(start, end - start);
}

Problem to_problem(const json& schema_doc, const json& document, const std::string& source,
                   const valijson::ValidationResults::Error& error) {
  // valijson's context is "<root>", then "[name]" or "[index]" per step.
  std::vector<std::string> tokens;
  for (std::size_t i = 1; i < error.context.size(); ++i) {
    const std::string& step = error.context[i];
    tokens.push_back(step.size() >= 2 ? step.substr(1, step.size() - 2) : step);
  }
  const json* value = &document;
  for (const auto& token : tokens) {
    if (value->is_object() && value->contains(token)) {
      value = &(*value)[token];
    } else if (value->is_array()) {
      value = &(*value)[std::stoul(token)];
    } else {
      value = nullptr;
      break;
    }
  }
  const json* node = schema_at(schema_doc, tokens);

  Problem p;
  p.source = source;
  std::string pointer;
  for (const auto& token : tokens) pointer += "/" + escape_pointer_token(token);

  const std::string& d = error.description;
  if (d.rfind("Object contains a property that could not be validated", 0) == 0) {
    std::string unknown = quoted_name(d, "constraints: '");
    p.pointer = pointer + "/" + escape_pointer_token(unknown);
    p.found = "unknown field \"" + unknown + "\"";
    std::vector<std::string> allowed;
    std::string suggestion;
    std::size_t best = 3;
    if (node && node->contains("properties")) {
      for (const auto& [name, _] : (*node)["properties"].items()) {
        allowed.push_back(name);
        std::size_t distance = edit_distance(unknown, name);
        if (distance < best) {
          best = distance;
          suggestion = name;
        }
      }
    }
    p.expected = allowed.empty() ? "no further fields" : "one of: " + join(allowed);
    if (!suggestion.empty()) p.expected += " (did you mean \"" + suggestion + "\"?)";
    return p;
  }
  if (d.rfind("Missing required property '", 0) == 0) {
    std::string missing = quoted_name(d, "property '");
    p.pointer = pointer + "/" + escape_pointer_token(missing);
    p.found = "(missing)";
    const json* child = schema_at(schema_doc, [&] {
      auto t = tokens;
      t.push_back(missing);
      return t;
    }());
    p.expected = "required field \"" + missing + "\": " + expectation(child);
    return p;
  }
  p.pointer = pointer;
  p.found = value ? describe(*value) : "(missing)";
  if (d.find("'type' constraint") != std::string::npos ||
      d.find("enum values") != std::string::npos ||
      d.find("'pattern' constraint") != std::string::npos || d.find("anyOf") != std::string::npos) {
    p.expected = expectation(node);
  } else {
    // Bounds and lengths: valijson's own words are precise ("Expected number greater than ...").
    p.expected = d;
    if (!p.expected.empty() && p.expected.back() == '.') p.expected.pop_back();
  }
  return p;
}

struct Compiled {
  json document;
  valijson::Schema schema;
  // One validator per schema: it keeps the compiled regular expressions of the
  // schema's patterns, which would otherwise be rebuilt on every validation.
  std::mutex mutex;
  valijson::Validator validator{valijson::Validator::kStrongTypes};
};

// A "$ref" to another schema file ("actions/invite.schema.json", resolved
// against the $id "https://mentoring.example/schemas/action.schema.json") is
// read from the embedded schemas: nothing is fetched from anywhere else.
const json* fetch_embedded(const std::string& uri) {
  static constexpr std::string_view kBase = "/schemas/";
  static constexpr std::string_view kSuffix = ".schema.json";
  // valijson passes the reference as written ("actions/invite.schema.json",
  // "../action.schema.json") or resolved against the $id: either way the
  // name is the path below schemas/.
  auto at = uri.find(kBase);
  std::string name = at == std::string::npos ? uri : uri.substr(at + kBase.size());
  while (name.rfind("../", 0) == 0 || name.rfind("./", 0) == 0) name.erase(0, name.find('/') + 1);
  if (auto hash = name.find('#'); hash != std::string::npos) name.resize(hash);
  if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix)
    return nullptr;
  name.resize(name.size() - kSuffix.size());
  try {
    return new json(json::parse(text(name)));
  } catch (const std::out_of_range&) {
    return nullptr;
  }
}

std::unique_ptr<Compiled> compile(const json& schema_doc) {
  auto compiled = std::make_unique<Compiled>();
  compiled->document = schema_doc;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter adapter(compiled->document);
  parser.populateSchema(adapter, compiled->schema, fetch_embedded,
                        [](const json* document) { delete document; });
  return compiled;
}

std::vector<Problem> run(Compiled& compiled, const json& document, const std::string& source) {
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  {
    std::lock_guard lock(compiled.mutex);
    if (compiled.validator.validate(compiled.schema, target, &results)) return {};
  }

  std::vector<valijson::ValidationResults::Error> errors;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) errors.push_back(error);
  bool any_leaf = std::any_of(errors.begin(), errors.end(),
                              [](const auto& e) { return !is_wrapper_message(e.description); });
  std::vector<Problem> problems;
  for (const auto& e : errors) {
    if (any_leaf && is_wrapper_message(e.description)) continue;
    Problem p = to_problem(compiled.document, document, source, e);
    bool duplicate = std::any_of(problems.begin(), problems.end(), [&](const Problem& q) {
      return q.pointer == p.pointer && q.expected == p.expected;
    });
    if (!duplicate) problems.push_back(std::move(p));
  }
  return problems;
}

Compiled& embedded(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<Compiled>, std::less<>> cache;
  std::lock_guard lock(mutex);
  auto it = cache.find(name);
  if (it != cache.end()) return *it->second;
  auto compiled = compile(json::parse(text(name)));
  return *cache.emplace(std::string(name), std::move(compiled)).first->second;
}

}  // namespace

std::string Problem::message() const {
  std::string out = source;
  out += ": ";
  out += pointer.empty() ? "(document)" : pointer;
  out += ": found " + found + "; expected " + expected;
  return out;
}

static std::string join_messages(const std::vector<Problem>& problems) {
  std::string out;
  for (std::size_t i = 0; i < problems.size(); ++i) {
    if (i) out += "\n";
    out += problems[i].message();
  }
  return out;
}

ValidationError::ValidationError(std::vector<Problem> problems)
    : std::runtime_error(join_messages(problems)), problems_(std::move(problems)) {}

nlohmann::json parse(std::string_view text, const std::string& source) {
  try {
    // nlohmann rejects invalid UTF-8 itself; the byte offset is looked up
    // below only when parsing fails, so large pages are scanned once.
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    std::size_t bad = 0;
    if (!is_valid_utf8(text, &bad)) {
      throw ValidationError(
          {{source, "", "invalid UTF-8 at byte " + std::to_string(bad), "UTF-8 encoded JSON"}});
    }
    bool blank = std::all_of(text.begin(), text.end(), [](char c) {
      return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    });
    if (blank) throw ValidationError({{source, "", "an empty file", "a JSON document"}});
    // Turn nlohmann's byte offset into line:column for people.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    auto detail = what.find("syntax error");
    throw ValidationError(
        {{source + ":" + std::to_string(line) + ":" + std::to_string(column), "",
          detail == std::string::npos ? what : what.substr(detail), "valid JSON"}});
  } catch (const json::out_of_range& e) {
    // A number no double holds (1e400): refused as a whole, never a crash.
    std::string what = e.what();
    auto words = what.find("] ");
    throw ValidationError({{source, "", words == std::string::npos ? what : what.substr(words + 2),
                            "numbers a double holds (at most about 1.8e308)"}});
  }
}

nlohmann::json parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ValidationError({{path, "", "a file that cannot be read", "a readable JSON file"}});
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path);
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (auto* entry = detail::kEmbeddedSchemas; !entry->first.empty(); ++entry) {
    out.emplace_back(entry->first);
  }
  return out;
}

std::string_view text(std::string_view name) {
  for (auto* entry = detail::kEmbeddedSchemas; !entry->first.empty(); ++entry) {
    if (entry->first == name) return entry->second;
  }
  throw std::out_of_range("no embedded schema named \"" + std::string(name) + "\"");
}

std::vector<Problem> validate(std::string_view schema_name, const nlohmann::json& document,
                              const std::string& source) {
  auto problems = run(embedded(schema_name), document, source);
  if (schema_name != "action" || problems.empty()) return problems;
  // A payload is checked by its kind's schema through a $ref, which the
  // messages cannot follow: its problems are told by that schema itself.
  bool in_payload = std::any_of(problems.begin(), problems.end(), [](const Problem& p) {
    return p.pointer.rfind("/payload/", 0) == 0;
  });
  const json* type =
      document.is_object() && document.contains("type") ? &document["type"] : nullptr;
  if (!in_payload || !type || !type->is_string() || !document["payload"].is_object())
    return problems;
  std::string kind_schema = "actions/" + type->get<std::string>();
  std::vector<Problem> out;
  for (auto& p : problems) {
    if (p.pointer.rfind("/payload", 0) != 0) out.push_back(std::move(p));
  }
  for (auto& p : run(embedded(kind_schema), document["payload"], source)) {
    p.pointer = "/payload" + p.pointer;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Problem> validate_against(const nlohmann::json& schema, const nlohmann::json& document,
                                      const std::string& source) {
  return run(*compile(schema), document, source);
}

void require_valid(std::string_view schema_name, const nlohmann::json& document,
                   const std::string& source) {
  auto problems = validate(schema_name, document, source);
  if (!problems.empty()) throw ValidationError(std::move(problems));
}

std::string describe(const nlohmann::json& value) {
  if (value.is_object()) return value.empty() ? "{}" : "an object {...}";
  if (value.is_array()) return value.empty() ? "[]" : "an array [...]";
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

}  // namespace mentoring::schema
