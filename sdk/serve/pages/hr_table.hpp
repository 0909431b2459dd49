// hr_table.hpp — one table of an HR page, rendered as HTML (the mustache
// template hr_templates.cpp kTable) and as CSV from the same rows, so the
// export is exactly what the page shows (private to mentoring_serve).
#pragma once

#include "csv.hpp"
#include "hr_templates.hpp"

#include <string>
#include <utility>
#include <vector>

namespace mentoring::serve::pages {

// A button posting hidden fields (with the session's CSRF token) to url.
struct ActionForm {
  std::string url, button_id, label;
  std::vector<std::pair<std::string, std::string>> fields;  // name, value
};

struct Cell {
  Cell(std::string text_ = "", bool numeric_ = false)  // NOLINT: implicit from text
      : text(std::move(text_)), numeric(numeric_) {}
  std::string text;      // the CSV field, and the page's text unless lines or forms are set
  bool numeric = false;  // from a JSON number: exported as is
  std::vector<std::string> lines;  // the page shows these as a list (the CSV has text)
  std::vector<ActionForm> forms;   // buttons; not exported
  std::string note_id, note;       // what the buttons act on, for assistive technology
};

struct Table {
  std::string name;     // the element id and the CSV export's `table=`
  std::string caption;  // <caption>
  std::vector<std::string> headers;
  std::vector<std::vector<Cell>> rows;
  std::vector<bool> exported;  // per column; empty: every column (an action column is not)
};

// The data kTable renders: `csrf` goes into every form; csv_query is the
// page's own query (e.g. "programme=x&"), "format=csv&table=<name>" is added.
hr::Data table_data(const Table& table, const std::string& csv_query, const std::string& csrf);
std::string table_csv(const Table& table);

}  // namespace mentoring::serve::pages
