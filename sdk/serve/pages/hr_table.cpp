#include "hr_table.hpp"

#include "pages.hpp"

namespace mentoring::serve::pages {

namespace {

bool exported(const Table& table, std::size_t column) {
  return table.exported.empty() || (column < table.exported.size() && table.exported[column]);
}

}  // namespace

std::string render_table(const Table& table, const std::string& csv_query) {
  const std::string id = escape_html(table.name);
  std::string html = "<div role=\"region\" tabindex=\"0\" aria-labelledby=\"" + id +
                     "-caption\" style=\"overflow-x:auto\">\n<table id=\"" + id +
                     "\">\n<caption id=\"" + id + "-caption\">" + escape_html(table.caption) +
                     "</caption>\n<thead><tr>";
  for (const auto& header : table.headers) {
    html += "<th scope=\"col\">" + escape_html(header) + "</th>";
  }
  html += "</tr></thead>\n<tbody>\n";
  if (table.rows.empty()) {
    html += "<tr><td colspan=\"" + std::to_string(table.headers.size()) + "\">None.</td></tr>\n";
  }
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string content = row[i].html.empty() ? escape_html(row[i].text) : row[i].html;
      html += i == 0 ? "<th scope=\"row\">" + content + "</th>" : "<td>" + content + "</td>";
    }
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n</div>\n<p><a class=\"csv\" href=\"?" +
          escape_html(csv_query + "format=csv&table=" + table.name) + "\">Download “" +
          escape_html(table.caption) + "” as CSV</a></p>\n";
  return html;
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
