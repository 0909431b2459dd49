// csv.hpp — CSV export of the HR pages' tables (private to mentoring_serve).
//
// RFC 4180: fields holding a comma, a double quote, CR or LF are quoted, a
// double quote doubled, records end with CRLF. A text field that a spreadsheet
// would read as a formula (starting with =, +, -, @, a tab or CR) gets a
// leading apostrophe (OWASP's "CSV injection" advice); numbers written by the
// pages themselves are left as they are.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mentoring::serve::pages {

struct CsvField {
  std::string text;
  bool numeric = false;  // written by the page from a JSON number: never a formula
};

std::string csv_field(const CsvField& field);
// Every record on its own line (CRLF), header record included by the caller.
std::string to_csv(const std::vector<std::vector<CsvField>>& records);

}  // namespace mentoring::serve::pages
