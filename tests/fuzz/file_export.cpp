// The file adapter's reading of an HR export, from bytes to records: the CSV
// or JSON table (adapters/file/src/source_table.cpp) and the mapping of its
// rows to records (record_mapping.cpp), with the demo organisations' settings
// (examples/demo/orgs: Northwind's CSV, Riverside's JSON).
// Input: one byte choosing the stream and format, then the export's bytes.
// Properties: every row has one cell per column; every record passes its
// published schema; every problem and quarantine entry can be written as
// JSON (valid UTF-8, so the pull answer is never lost to one bad byte) and
// names a source; the excerpts stay capped.
#include "fuzz_support.hpp"

#include <file_adapter/record_mapping.hpp>
#include <file_adapter/settings.hpp>
#include <file_adapter/source_table.hpp>

#include <mentoring/schema.hpp>

using mentoring::fuzz::require;
namespace file = mentoring::adapters::file;
using nlohmann::json;

namespace {

const file::Settings& northwind() {
  static const file::Settings settings = file::parse_settings(json::parse(R"({
    "people": {"path": "people.csv", "format": "csv", "date_format": "DD/MM/YYYY",
      "fields": {"id": "Employee ID", "name": "Full Name", "email": "Work Email",
                 "manager_id": "Supervisor ID", "department": "Department", "location": "Location",
                 "start_date": "Hire Date", "end_date": "Termination Date", "languages": "Languages"},
      "list_separator": ";"},
    "leave": {"path": "leave.csv", "format": "csv", "date_format": "DD/MM/YYYY",
      "fields": {"id": "Request ID", "person_id": "Employee ID", "type": "Leave Type",
                 "start": "Start Date", "expected_end": "End Date", "actual_end": "Actual Return",
                 "status": "Status", "last_changed": "Last Changed"},
      "leave_types": {"Maternity Leave": "maternity", "Paternity Leave": "paternity",
                      "Carer's Leave": "carers", "Annual Leave": null, "Other": "other"},
      "statuses": {"Approved": "approved", "Requested": "requested", "Cancelled": "cancelled",
                   "Denied": "denied"}},
    "course_completions": {"path": "training.csv", "format": "csv", "date_format": "YYYY-MM-DD",
      "fields": {"person_id": "Employee ID", "course_id": "Course Code",
                 "completed_at": "Completed", "expires_at": "Expires"}}
  })"),
                                                              "/fuzz", "fuzz settings");
  return settings;
}

const file::Settings& riverside() {
  static const file::Settings settings = file::parse_settings(json::parse(R"({
    "people": {"path": "people.json", "format": "json", "records_pointer": "/employees",
      "date_format": "YYYY-MM-DD",
      "fields": {"id": "employeeNumber", "name": "displayName", "email": "workEmail",
                 "manager_id": "supervisorEmployeeNumber", "department": "division",
                 "location": "office", "start_date": "hireDate", "end_date": "terminationDate",
                 "languages": "languages"},
      "list_separator": ";"},
    "leave": {"path": "leave.json", "format": "json", "date_format": "YYYY-MM-DD",
      "fields": {"id": "requestId", "person_id": "employeeNumber", "type": "category",
                 "start": "from", "expected_end": "to", "actual_end": "returnedOn",
                 "status": "state", "last_changed": "updatedAt"},
      "leave_types": {"Zwangerschapsverlof": "maternity", "Zorgverlof": "carers",
                      "Vakantie": null, "Bijzonder verlof": "other"},
      "statuses": {"APPROVED": "approved", "PENDING": "requested", "CANCELLED": "cancelled",
                   "REJECTED": "denied"}}
  })"),
                                                              "/fuzz", "fuzz settings");
  return settings;
}

void require_writable(const json& value, std::string_view what) {
  try {
    (void)value.dump();
  } catch (const json::exception& e) {
    require(false, what, e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view bytes = mentoring::fuzz::as_text(data + 1, size - 1);
  const file::StreamSettings* stream = nullptr;
  switch (data[0] % 5) {
    case 0:
      stream = &*northwind().people;
      break;
    case 1:
      stream = &*northwind().leave;
      break;
    case 2:
      stream = &*northwind().course_completions;
      break;
    case 3:
      stream = &*riverside().people;
      break;
    default:
      stream = &*riverside().leave;
      break;
  }
  const file::SourceTable table =
      stream->format == file::Format::csv
          ? file::read_csv_table(bytes, stream->source_name(), stream->delimiter,
                                 file::mapped_columns(*stream))
          : file::read_json_table(bytes, stream->source_name(), stream->records_pointer,
                                  file::mapped_columns(*stream));

  for (const auto& problem : table.problems) {
    require(problem.source == stream->source_name(), "a problem names its file");
    require_writable(problem.to_json(), "a file problem can be written as JSON");
  }
  for (const auto& row : table.rows) {
    require(row.cells.size() == table.columns.size(), "one cell per column");
    require(row.excerpt.size() <= 503, "an excerpt stays capped");
    for (const auto& cell : row.cells)
      require_writable(cell.to_json(), "a cell can be written as JSON");
    for (const auto& problem : row.problems)
      require_writable(problem.to_json(), "a row problem can be written as JSON");
    require_writable(json(row.excerpt), "an excerpt can be written as JSON");
  }
  if (!table.problems.empty()) return 0;

  const file::MappedRecords mapped = file::map_records(table, *stream);
  static constexpr std::string_view kSchemas[] = {"person", "leave", "course-completion"};
  const std::string_view schema = kSchemas[static_cast<int>(stream->stream)];
  const std::vector<json> records = mapped.records();
  require(records.size() == mapped.record_count, "as many records as counted");
  for (const auto& record : records) {
    require_writable(record, "a record can be written as JSON");
    // The check the plugin applies on ingest (schemas/validator/record_check.cpp;
    // sync_records holds it to the published schema). Not valijson itself: it
    // measures a string only up to a NUL byte (regression-nul-in-course-id).
    const auto problems = mentoring::schema::validate_record(schema, record, "r");
    require(problems.empty(), "every record passes its schema",
            record.dump() + (problems.empty() ? "" : "\n" + problems.front().message()));
  }
  for (const auto& row : mapped.quarantined) {
    require(!row.problems.empty(), "a quarantined row says why");
    require_writable(row.to_json(), "a quarantine entry can be written as JSON");
  }
  for (const auto& problem : mapped.problems)
    require_writable(problem.to_json(), "a mapping problem can be written as JSON");
  require(mapped.record_count + mapped.skipped <= table.rows.size(), "no more records than rows");
  return 0;
}
