#include "hr_table.hpp"

namespace mentoring::serve::pages {

namespace {

bool exported(const Table& table, std::size_t column) {
  return table.exported.empty() || (column < table.exported.size() && table.exported[column]);
}

hr::Data cell_data(const Cell& cell, bool first, const std::string& csrf) {
  hr::Data d;
  d.set("first", first);
  d.set("text", cell.text);
  d.set("has_lines", !cell.lines.empty());
  hr::Data lines = hr::list();
  for (const auto& line : cell.lines) lines << hr::Data(line);
  d.set("lines", lines);
  d.set("has_forms", !cell.forms.empty());
  d.set("note_id", cell.note_id);
  d.set("note", cell.note);
  hr::Data forms = hr::list();
  for (const auto& form : cell.forms) {
    hr::Data f;
    f.set("url", form.url);
    f.set("csrf", csrf);
    f.set("button_id", form.button_id);
    f.set("label", form.label);
    hr::Data fields = hr::list();
    for (const auto& [name, value] : form.fields) {
      hr::Data field;
      field.set("field", name);
      field.set("value", value);
      fields << field;
    }
    f.set("fields", fields);
    forms << f;
  }
  d.set("forms", forms);
  return d;
}

}  // namespace

hr::Data table_data(const Table& table, const std::string& csv_query, const std::string& csrf) {
  hr::Data d;
  d.set("name", table.name);
  d.set("caption", table.caption);
  d.set("columns", std::to_string(table.headers.size()));
  hr::Data headers = hr::list();
  for (const auto& header : table.headers) headers << hr::Data(header);
  d.set("headers", headers);
  hr::Data rows = hr::list();
  for (const auto& row : table.rows) {
    hr::Data cells = hr::list();
    for (std::size_t i = 0; i < row.size(); ++i) cells << cell_data(row[i], i == 0, csrf);
    hr::Data r;
    r.set("cells", cells);
    rows << r;
  }
  d.set("rows", rows);
  d.set("csv_href", "?" + csv_query + "format=csv&table=" + table.name);
  return d;
}

std::string table_csv(const Table& table) {
  std::vector<std::vector<CsvField>> records;
  std::vector<CsvField> header;
  for (std::size_t i = 0; i < table.headers.size(); ++i) {
    if (exported(table, i)) header.push_back({table.headers[i], false});
  }
  records.push_back(std::move(header));
  for (const auto& row : table.rows) {
    std::vector<CsvField> record;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (exported(table, i)) record.push_back({row[i].text, row[i].numeric});
    }
    records.push_back(std::move(record));
  }
  return to_csv(records);
}

}  // namespace mentoring::serve::pages
