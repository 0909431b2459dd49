#include "csv.hpp"

namespace mentoring::serve::pages {

std::string csv_field(const CsvField& field) {
  std::string text = field.text;
  if (!field.numeric && !text.empty() &&
      std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    text.insert(text.begin(), '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string to_csv(const std::vector<std::vector<CsvField>>& records) {
  std::string out;
  for (const auto& record : records) {
    for (std::size_t i = 0; i < record.size(); ++i) {
      if (i) out += ',';
      out += csv_field(record[i]);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace mentoring::serve::pages
