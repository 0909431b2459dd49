#include "demo_data.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace mentoring::fakes {

namespace {

// One CSV record (RFC 4180 quoting; no line breaks inside values in the demo).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back().push_back(c);
    }
  }
  return out;
}

std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("demo data: cannot read " + path);
  std::string line;
  std::getline(in, line);
  auto header = split_csv(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto cells = split_csv(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

// DD/MM/YYYY -> YYYY-MM-DD ("" stays "").
std::string iso_date(const std::string& dmy) {
  if (dmy.size() != 10) return "";
  return dmy.substr(6, 4) + "-" + dmy.substr(3, 2) + "-" + dmy.substr(0, 2);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

DemoData DemoData::load(const std::string& folder) {
  DemoData data;
  for (auto& row : read_csv(folder + "/people.csv")) {
    std::string full = row["Full Name"];
    auto space = full.find(' ');
    data.people.push_back({row["Employee ID"], full.substr(0, space),
                           space == std::string::npos ? "" : full.substr(space + 1),
                           row["Work Email"], row["Supervisor ID"], row["Department"],
                           row["Location"], iso_date(row["Hire Date"]),
                           iso_date(row["Termination Date"])});
  }
  for (auto& row : read_csv(folder + "/leave.csv")) {
    std::string status = lower(row["Status"]);
    if (status == "cancelled") status = "canceled";  // BambooHR's spelling
    data.leave.push_back({row["Request ID"], row["Employee ID"], row["Leave Type"],
                          iso_date(row["Start Date"]), iso_date(row["End Date"]), status,
                          row["Last Changed"]});
  }
  return data;
}

DemoData DemoData::generate(std::size_t people_count, std::size_t leave_count) {
  static const char* types[] = {"Maternity Leave", "Paternity Leave",   "Annual Leave",
                                "Carer's Leave",   "Adoption Leave",    "Secondment",
                                "Annual Leave",    "Long-term Sickness"};
  static const char* statuses[] = {"approved",  "approved", "approved",
                                   "requested", "canceled", "denied"};
  static const char* departments[] = {"Nursing", "Pharmacy", "Estates", "Finance", "Radiology"};
  DemoData data;
  data.people.reserve(people_count);
  for (std::size_t i = 0; i < people_count; ++i) {
    std::string id = std::to_string(10000 + i);
    // A tree of fan-out 8: person i reports to person (i - 1) / 8.
    std::string manager = i == 0 ? "" : std::to_string(10000 + (i - 1) / 8);
    char hire[11];
    std::snprintf(hire, sizeof hire, "%04zu-%02zu-%02zu", 2000 + i % 25, 1 + i % 12, 1 + i % 28);
    data.people.push_back({id, "First" + std::to_string(i), "Last" + std::to_string(i),
                           "person" + std::to_string(i) + "@example.org", manager,
                           departments[i % 5], "Site " + std::to_string(i % 7), hire, ""});
  }
  data.leave.reserve(leave_count);
  for (std::size_t i = 0; i < leave_count; ++i) {
    // Spread over 2019-01-01 .. 2026-12-31 (2922 days), 10..180 days long.
    std::size_t day = (i * 7919) % 2900;
    int year = 2019 + static_cast<int>(day / 365);
    int yday = static_cast<int>(day % 365);
    int month = 1 + yday / 31 % 12, dom = 1 + yday % 28;
    char start[11], end[11];
    std::snprintf(start, sizeof start, "%04d-%02d-%02d", year, month, dom);
    int length_months = 1 + static_cast<int>(i % 6);
    int end_month = month + length_months, end_year = year;
    if (end_month > 12) {
      end_month -= 12;
      ++end_year;
    }
    std::snprintf(end, sizeof end, "%04d-%02d-%02d", end_year, end_month, dom);
    data.leave.push_back({std::to_string(1 + i),
                          std::to_string(10000 + (i * 13) % std::max<std::size_t>(people_count, 1)),
                          types[i % 8], start, end, statuses[i % 6],
                          std::string(start) + "T09:00:00Z"});
  }
  return data;
}

std::string demo_leave_types_json() {
  return R"({"Maternity Leave": "maternity", "Paternity Leave": "paternity", "Adoption Leave": "adoption",
             "Shared Parental Leave": "shared_parental", "Carer's Leave": "carers",
             "Fostering Leave": "fostering", "Secondment": "secondment",
             "Overseas Assignment": "overseas_assignment", "Long-term Sickness": "long_term_sickness",
             "Annual Leave": null, "Other": "other"})";
}

}  // namespace mentoring::fakes
