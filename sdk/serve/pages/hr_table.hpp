// hr_table.hpp — one table of an HR page, rendered as HTML and as CSV from the
// same rows, so the export is exactly what the page shows (private to
// mentoring_serve).
#pragma once

#include "csv.hpp"

#include <string>
#include <utility>
#include <vector>

namespace mentoring::serve::pages {

struct Cell {
  Cell(std::string text_ = "", std::string html_ = "", bool numeric_ = false)  // NOLINT: implicit
      : text(std::move(text_)), html(std::move(html_)), numeric(numeric_) {}
  std::string text;      // the CSV field, and the HTML (escaped) unless html is set
  std::string html;      // already-escaped HTML for the page (a list, a form); not exported
  bool numeric = false;  // from a JSON number: exported as is
};

struct Table {
  std::string name;     // the element id and the CSV export's `table=`
  std::string caption;  // <caption>
  std::vector<std::string> headers;
  std::vector<std::vector<Cell>> rows;
  std::vector<bool> exported;  // per column; empty: every column (an action column is not)
};

// <table id> with <caption>, <th scope="col">, the first cell of a row as
// <th scope="row">, in a scrollable region for narrow screens, and the
// table's CSV link (a.csv) built from csv_query (the page's own query, e.g.
// "programme=x&"; "format=csv&table=<name>" is added).
std::string render_table(const Table& table, const std::string& csv_query);
std::string table_csv(const Table& table);

}  // namespace mentoring::serve::pages
