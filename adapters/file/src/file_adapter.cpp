#include "file_adapter/file_adapter.hpp"

#include "file_adapter/export_reader.hpp"
#include "file_adapter/record_mapping.hpp"
#include "file_adapter/source_table.hpp"

#include <mentoring/module.hpp>
#include <mentoring/schema.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <charconv>

namespace mentoring::adapters::file {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxProblems = 100;
// Rows one export may send to the quarantine. More is a fault of the export or
// the settings as a whole (a changed date format, a shifted column), not of
// rows: then the file is refused as one page, as any problem with it is.
constexpr std::size_t kMaxQuarantinedRows = 1000;
constexpr Stream kStreams[] = {Stream::people, Stream::leave, Stream::course_completions,
                               Stream::keeping_in_touch_days};

[[noreturn]] void invalid_input(const std::string& message) {
  throw Error(MENTORING_ERR_INVALID_INPUT, message);
}

json parse_input(std::string_view text, const std::string& source) {
  try {
    return schema::parse(text.empty() ? std::string_view("{}") : text, source);
  } catch (const schema::ValidationError& e) {
    invalid_input(e.what());
  }
}

// The nearest folder that exists on the way up to `path` (where creating would start).
std::filesystem::path nearest_existing_folder(std::filesystem::path path) {
  std::error_code ec;
  while (!path.empty() && !std::filesystem::exists(path, ec)) {
    if (path == path.parent_path()) break;
    path = path.parent_path();
  }
  return path;
}

json check_stream(Stream which, const std::optional<StreamSettings>& stream,
                  long long max_file_bytes) {
  json c = {{"name", capability_of(which)},
            {"configured", stream.has_value()},
            {"reachable", false},
            {"authenticated", true},
            {"permitted", false}};
  if (!stream) {
    c["message"] = "not configured (no \"" + std::string(name_of(which)) + "\" in settings)";
    return c;
  }
  std::error_code ec;
  const std::string name = stream->source_name();
  c["reachable"] = std::filesystem::exists(stream->path, ec);
  if (!c["reachable"]) {
    c["message"] = name + " not found at " + stream->path.string();
    return c;
  }
  std::string why;
  auto file = ExportFile::open(stream->path, max_file_bytes, why);
  c["permitted"] = file.has_value();
  if (!file) {
    c["message"] = name + ": " + why;
    return c;
  }
  std::size_t rows = 0;
  std::size_t unreadable = 0;
  std::size_t problems = 0;
  const bool json_source = stream->format == Format::json;
  {
    // Counted by the streaming survey: the file is never held whole.
    Survey survey = survey_export(*file, *stream);
    rows = survey.rows;
    unreadable = survey.unreadable_rows;
    problems = survey.problems.size();
  }
  std::string message =
      name + " readable, " + std::to_string(rows) + (json_source ? " records" : " rows");
  if (unreadable > 0) {
    message += "; " + std::to_string(unreadable) + (json_source ? " record" : " row") +
               (unreadable == 1 ? "" : "s") + " cannot be read (pull quarantines " +
               (unreadable == 1 ? "it" : "them") + ")";
  }
  if (problems > 0) {
    message += "; " + std::to_string(problems) + " problem" + (problems == 1 ? "" : "s") +
               " reading it (pull lists them)";
  }
  c["message"] = message;
  return c;
}

json check_outbox(const std::optional<std::filesystem::path>& outbox) {
  json c = {{"name", "write_actions"},
            {"configured", outbox.has_value()},
            {"reachable", false},
            {"authenticated", true},
            {"permitted", false}};
  if (!outbox) {
    c["message"] = "not configured (no \"outbox\" in settings)";
    return c;
  }
  std::error_code ec;
  const std::string name = outbox->filename().string();
  if (std::filesystem::is_regular_file(*outbox, ec)) {
    c["reachable"] = true;
    c["permitted"] = ::access(outbox->c_str(), W_OK) == 0;
    c["message"] =
        name + (c["permitted"] ? " exists and is writable" : " exists but is not writable");
    return c;
  }
  // Nothing is created by a check: look at the folder the first push would create it in.
  std::filesystem::path folder = nearest_existing_folder(outbox->parent_path());
  c["reachable"] = std::filesystem::is_directory(folder, ec);
  if (!c["reachable"]) {
    c["message"] =
        "cannot create " + outbox->string() + ": " + folder.string() + " is not a folder";
    return c;
  }
  c["permitted"] = ::access(folder.c_str(), W_OK | X_OK) == 0;
  c["message"] = c["permitted"]
                     ? name + " will be created in " + outbox->parent_path().string()
                     : "cannot create " + name + ": " + folder.string() + " is not writable";
  return c;
}

json empty_pull(const json& cursor) {
  return {{"records", json::array()}, {"next_cursor", cursor}, {"more", false},
          {"unchanged", true},        {"skipped", 0},          {"problems", json::array()}};
}

}  // namespace

FileAdapter::FileAdapter(std::string_view config_json, Warn warn) : warn_(std::move(warn)) {
  json config = parse_input(config_json, "file adapter config");
  if (!config.is_object()) invalid_input("file adapter config: expected a JSON object");
  auto text_or = [&](const char* key, const std::string& fallback) {
    if (!config.contains(key)) return fallback;
    if (!config[key].is_string()) {
      invalid_input(std::string("file adapter config: /") + key + ": found " +
                    schema::describe(config[key]) + "; expected a string");
    }
    return config[key].get<std::string>();
  };
  organisation_ = text_or("organisation", "");
  name_ = text_or("name", "file");
  std::filesystem::path base_dir = text_or("base_dir", "");
  if (base_dir.empty()) base_dir = std::filesystem::current_path();
  if (base_dir.is_relative()) base_dir = std::filesystem::absolute(base_dir);

  json settings = config.contains("settings") ? config["settings"] : json::object();
  settings_ =
      parse_settings(settings, base_dir,
                     "adapter \"" + name_ + "\"" +
                         (organisation_.empty() ? "" : " of " + organisation_) + " settings");
}

std::string FileAdapter::call(std::string_view command, std::string_view input) {
  if (command == "check") return check().dump();
  if (command == "pull") return pull_text(parse_input(input, "pull input"));
  if (command == "push") return push(parse_input(input, "push input")).dump();
  throw Error(MENTORING_ERR_UNKNOWN_COMMAND, "file adapter: unknown command \"" +
                                                 std::string(command) +
                                                 "\"; expected one of: check, pull, push");
}

json FileAdapter::check() const {
  json capabilities = json::array();
  bool ok = true;
  auto add = [&](json capability) {
    if (capability["configured"]) {
      ok = ok && capability["reachable"] && capability["authenticated"] && capability["permitted"];
    }
    capabilities.push_back(std::move(capability));
  };
  for (Stream which : kStreams)
    add(check_stream(which, settings_.stream(which), settings_.max_file_bytes));
  add(check_outbox(settings_.outbox));
  return {{"ok", ok}, {"capabilities", std::move(capabilities)}};
}

namespace {

// Where a read of an export stands, as the opaque cursor the plugin stores:
//   file2:done:<content>:<settings>:<size>:<mtime_ns>:<inode>:<ctime_ns>
//   file2:page:<content>:<settings>:<size>:<mtime_ns>:<inode>:<ctime_ns>:<offset>:<row>:<held>
// <content> is the XXH3-128 of the export's bytes, <settings> the XXH3-64 of
// the stream's settings section; "page" says where the next page starts and how
// many rows the read has quarantined so far. A changes-only read adds
// ":<listing>" to done cursors and ":<listing>:<base>:<removed_next>" to page
// cursors (FileCursor). Anything else (an old
// "fnv1a64:..." cursor included) reads the export again from its start.
struct FileCursor {
  bool complete = false;
  std::string content_hash;
  std::string settings_hash;
  FileIdentity identity;
  unsigned long long offset = 0;
  std::size_t row = 0;
  std::size_t held = 0;
  // Changes-only reads (row_snapshot.hpp): the listing's content hash (the
  // whole read whose id this read keeps; "" = this read is its own), and for
  // a page cursor the base version compared against ("" = a whole read) and
  // how far the base's rows have been looked at for removed people.
  std::string listing;
  std::string base;
  std::size_t removed_next = 0;

  std::string text() const {
    std::string out = std::string("file2:") + (complete ? "done" : "page") + ":" + content_hash +
                      ":" + settings_hash + ":" + std::to_string(identity.size) + ":" +
                      std::to_string(identity.mtime_ns) + ":" + std::to_string(identity.inode) +
                      ":" + std::to_string(identity.ctime_ns);
    if (!complete) {
      out += ":" + std::to_string(offset) + ":" + std::to_string(row) + ":" + std::to_string(held);
    }
    if (!listing.empty() || !base.empty()) {
      out += ":" + listing;
      if (!complete) out += ":" + base + ":" + std::to_string(removed_next);
    }
    return out;
  }

  static std::optional<FileCursor> parse(const json& cursor) {
    if (!cursor.is_string()) return std::nullopt;
    const std::string& text = cursor.get_ref<const std::string&>();
    std::vector<std::string_view> parts;
    std::string_view rest = text;
    for (;;) {
      auto cut = rest.find(':');
      parts.push_back(rest.substr(0, cut));
      if (cut == std::string_view::npos) break;
      rest.remove_prefix(cut + 1);
    }
    if (parts.size() < 8 || parts[0] != "file2") return std::nullopt;
    FileCursor c;
    c.complete = parts[1] == "done";
    if (!c.complete && parts[1] != "page") return std::nullopt;
    const std::size_t plain = c.complete ? 8u : 11u;
    if (parts.size() != plain && parts.size() != plain + (c.complete ? 1u : 3u))
      return std::nullopt;
    c.content_hash = parts[2];
    c.settings_hash = parts[3];
    auto number = [](std::string_view digits, auto& value) {
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      return error == std::errc() && end == digits.data() + digits.size();
    };
    bool ok = number(parts[4], c.identity.size) && number(parts[5], c.identity.mtime_ns) &&
              number(parts[6], c.identity.inode) && number(parts[7], c.identity.ctime_ns);
    if (!c.complete) {
      ok = ok && number(parts[8], c.offset) && number(parts[9], c.row) && number(parts[10], c.held);
    }
    if (parts.size() > plain) {
      c.listing = parts[plain];
      if (!c.complete) {
        c.base = parts[plain + 1];
        ok = ok && number(parts[plain + 2], c.removed_next);
      }
    }
    if (!ok) return std::nullopt;
    return c;
  }
};

// The settings hash of a cursor (16 hex digits) as a snapshot's number; 0 when
// it is not one (then no snapshot matches it).
std::uint64_t settings_number(std::string_view hex) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
  return error == std::errc() && end == hex.data() + hex.size() ? value : 0;
}

// A complete cursor naming a version came back: the plugin stored that read,
// so no read will be based on an older version again; their snapshots go.
void forget_older_snapshots(SnapshotCache* cache, const std::string& stream,
                            const std::string& content_hash, const std::string& settings_hash) {
  if (!cache) return;
  try {
    remove_other_snapshots(cache->dir(), {stream, content_hash, settings_number(settings_hash)});
  } catch (const std::exception&) {
    // A cursor naming no snapshot (not hex): nothing of ours to keep or delete.
  }
}

// Answers "refused": nothing is ingested, the cursor stays, every problem listed (capped).
json refused(const json& cursor, const StreamSettings& stream,
             const std::vector<SourceProblem>& problems) {
  json answer = {{"records", json::array()}, {"next_cursor", cursor}, {"more", false},
                 {"unchanged", false},       {"skipped", 0},          {"problems", json::array()}};
  for (std::size_t i = 0; i < problems.size() && i < kMaxProblems; ++i) {
    answer["problems"].push_back(problems[i].to_json());
  }
  if (problems.size() > kMaxProblems) {
    const std::size_t omitted = problems.size() - kMaxProblems;
    answer["problems_omitted"] = omitted;
    answer["problems"].push_back(
        {{"source", stream.source_name()},
         {"row", nullptr},
         {"field", nullptr},
         {"pointer", ""},
         {"found", std::to_string(omitted) + " more problems"},
         {"expected", "a file without problems"},
         {"message", stream.source_name() + ": " + std::to_string(omitted) +
                         " more problems not listed (only the first " +
                         std::to_string(kMaxProblems) + " are)"}});
  }
  return answer;
}

}  // namespace

const Survey& FileAdapter::survey_of(Stream which, const ExportFile& file,
                                     const StreamSettings& stream) const {
  auto it = surveys_.find(which);
  if (it != surveys_.end() && it->second.identity.same_survey_key(file.identity())) {
    return it->second;
  }
  if (!snapshots_ || stream.format != Format::csv)
    return surveys_.insert_or_assign(which, survey_export(file, stream)).first->second;
  // The new version's row snapshot, written during its survey.
  RowSnapshotWriter rows;
  Survey survey = survey_export(file, stream, &rows);
  if (survey.problems.empty()) {
    try {
      snapshots_->put(
          rows.write(snapshots_->dir(), {std::string(name_of(which)), survey.content_hash,
                                         settings_number(xxh3_64_hex(stream.canonical))}));
    } catch (const std::exception& e) {
      // Without it the next read of a change is a whole one: slower, still right.
      if (warn_) warn_(std::string("file adapter \"") + name_ + "\": no row snapshot: " + e.what());
    }
  }
  return surveys_.insert_or_assign(which, std::move(survey)).first->second;
}

void FileAdapter::use_snapshots(const std::filesystem::path& dir) {
  snapshots_ = std::make_unique<SnapshotCache>(dir);
}

json FileAdapter::pull(const json& input) const {
  return json::parse(pull_text(input));
}

std::string FileAdapter::pull_text(const json& input) const {
  if (!input.is_object() || !input.contains("stream") || !input["stream"].is_string()) {
    invalid_input(
        "pull input: expected {\"stream\": \"people\" | \"leave\" | "
        "\"course_completions\" | \"keeping_in_touch_days\", \"cursor\": string or null}");
  }
  const std::string stream_name = input["stream"].get<std::string>();
  auto which = stream_from_name(stream_name);
  if (!which) {
    invalid_input("pull input: /stream: found \"" + stream_name +
                  "\"; expected one of: people, leave, course_completions, "
                  "keeping_in_touch_days");
  }
  json cursor = input.value("cursor", json(nullptr));
  if (!cursor.is_null() && !cursor.is_string()) {
    invalid_input("pull input: /cursor: found " + schema::describe(cursor) +
                  "; expected a string or null");
  }
  const auto& stream = settings_.stream(*which);
  if (!stream) return empty_pull(nullptr).dump();

  // The mapping is part of the cursor: changed settings must re-read an unchanged file.
  const std::string settings_hash = xxh3_64_hex(stream->canonical);
  std::optional<FileCursor> from = FileCursor::parse(cursor);
  if (from && from->settings_hash != settings_hash) from.reset();

  for (int attempt = 0;; ++attempt) {
    std::string why;
    auto file = ExportFile::open(stream->path, settings_.max_file_bytes, why);
    if (!file) {
      return refused(
                 cursor, *stream,
                 {{stream->source_name(), std::nullopt, std::nullopt, "", why,
                   "a readable file at " + stream->path.string(), stream->format == Format::json}})
          .dump();
    }
    // Unchanged by its stat: one fstat, not a byte read. A complete cursor
    // naming this version came back: older snapshots are never a base again.
    if (from && from->complete && from->identity == file->identity()) {
      forget_older_snapshots(snapshots_.get(), stream_name, from->content_hash,
                             from->settings_hash);
      return empty_pull(cursor).dump();
    }

    // Touched but the same bytes: unchanged by its hash (only a hash, no survey).
    if (from && from->complete) {
      auto cached = surveys_.find(*which);
      const std::string hash =
          cached != surveys_.end() && cached->second.identity.same_survey_key(file->identity())
              ? cached->second.content_hash
              : content_hash(*file);
      if (hash == from->content_hash) {
        forget_older_snapshots(snapshots_.get(), stream_name, from->content_hash,
                               from->settings_hash);
        return empty_pull(cursor).dump();
      }
    }
    const Survey& survey = survey_of(*which, *file, *stream);
    if (!survey.problems.empty()) return refused(cursor, *stream, survey.problems).dump();
    // A read resumes only on the bytes it began on; a changed export starts a new read.
    const bool resume = from && !from->complete && from->content_hash == survey.content_hash;
    FileCursor next;
    next.content_hash = survey.content_hash;
    next.settings_hash = settings_hash;
    next.identity = file->identity();
    // Changes only when the version the plugin read last (complete) has a
    // snapshot, and so has this one: unchanged rows are left out, and people
    // keep the listing's read id (row_snapshot.hpp, adapters/README.md "pull").
    std::shared_ptr<const RowSnapshot> base, now;
    if (snapshots_) {
      const std::string base_hash =
          resume ? from->base : (from && from->complete ? from->content_hash : std::string());
      if (!base_hash.empty()) {
        try {
          base = snapshots_->get({stream_name, base_hash, settings_number(settings_hash)});
          if (base)
            now =
                snapshots_->get({stream_name, survey.content_hash, settings_number(settings_hash)});
        } catch (const std::exception&) {
          base.reset();  // a cursor naming no snapshot: a whole read
        }
        if (!now) base.reset();
      }
    }
    if (base) {
      next.base = base->version().content_hash;
      next.listing =
          resume ? from->listing : (from->listing.empty() ? from->content_hash : from->listing);
    } else if (resume && !from->base.empty()) {
      // The base's snapshot went while the read was under way: start again, whole.
      from.reset();
      surveys_.erase(*which);
      if (attempt < 3) continue;
    }
    const bool changes_only = base != nullptr;
    const bool resuming = resume && from;
    const std::string read_id =
        "file2:" + (changes_only ? next.listing : survey.content_hash) + ":" + settings_hash;

    Page page = read_page(*file, survey, *stream, resuming ? from->offset : survey.data_offset,
                          resuming ? from->row : survey.first_row, settings_.page_rows, base.get(),
                          std::move(page_buffer_));
    // The page's memory serves the next page of the read once this answer is
    // written (a read that ends gives it back).
    struct KeepBuffer {
      Page& page;
      std::unique_ptr<std::string>& keep;
      ~KeepBuffer() {
        if (page.bytes && !page.last) keep = std::move(page.bytes);
      }
    } keep_buffer{page, page_buffer_};
    const std::size_t held_before = resuming ? from->held : 0;
    const SourceTable* table = &page.table;
    // Written while it was read: never mix two versions in one read; start again.
    if (!file->identity_now().same_survey_key(file->identity()) ||
        (!file->identity_now().same_survey_key(survey.identity))) {
      surveys_.erase(*which);
      from.reset();
      if (attempt < 3) continue;
      return refused(cursor, *stream,
                     {{stream->source_name(), std::nullopt, std::nullopt, "",
                       "a file that changed each time it was read",
                       "an export that holds still while it is read (write it elsewhere and "
                       "rename it into place)",
                       stream->format == Format::json}})
          .dump();
    }
    if (!page.problems.empty()) return refused(cursor, *stream, page.problems).dump();
    // People the base listed and this version does not hold, after the rows,
    // at most page_rows a page.
    json removed = json::array();
    bool removal_done = true;
    std::size_t removed_next = resuming ? from->removed_next : 0;
    if (changes_only && *which == Stream::people && page.last) {
      for (auto& id : base->removed_in(*now, removed_next, settings_.page_rows, removed_next))
        removed.push_back(std::move(id));
      removal_done = removed_next >= base->size();
    }
    const bool last = page.last && removal_done;

    std::vector<SourceProblem> problems = table->problems;
    json answer = {
        {"records", json::array()}, {"next_cursor", cursor}, {"more", false},
        {"unchanged", false},       {"skipped", 0},          {"problems", json::array()}};
    MappedRecords mapped;
    if (!table->names.empty() || !table->rows.empty()) {
      mapped = map_records(*table, *stream, &survey.duplicate_ids, std::move(records_memory_));
      problems.insert(problems.end(), mapped.problems.begin(), mapped.problems.end());
    }
    const std::size_t held = held_before + mapped.quarantined.size();
    if (!problems.empty()) return refused(cursor, *stream, problems).dump();
    if (held > kMaxQuarantinedRows) {
      // Counted over the whole read: the page that crosses the limit is refused
      // (and the read goes no further) as a layout or settings fault.
      problems.push_back({stream->source_name(), std::nullopt, std::nullopt, "",
                          std::to_string(held) + " rows that cannot be taken",
                          "at most " + std::to_string(kMaxQuarantinedRows) +
                              " (so many usually means the export's layout or the settings "
                              "changed: check date_format, delimiter and fields)",
                          stream->format == Format::json});
      // The page is refused: list the rows' problems too, so all can be fixed at once.
      for (const auto& row : mapped.quarantined) {
        problems.insert(problems.end(), row.problems.begin(), row.problems.end());
      }
      return refused(cursor, *stream, problems).dump();
    }
    answer["skipped"] = mapped.skipped;
    if (last) {
      next.complete = true;
    } else {
      next.offset = page.next_offset;
      next.row = page.next_row;
      next.held = held;
      next.removed_next = removed_next;
      answer["more"] = true;
    }
    answer["next_cursor"] = next.text();
    // Every page of one read carries its id; rows it quarantines carry their
    // id, so the plugin marks none of them absent.
    if (*which == Stream::people && stream->complete) {
      answer["full_read"] = {{"id", read_id}, {"last_page", last}};
      if (changes_only) {
        answer["full_read"]["changes_only"] = true;
        answer["full_read"]["removed"] = std::move(removed);
      }
    }
    // One bad row holds back only itself (adapters/README.md, "quarantine").
    if (!mapped.quarantined.empty()) {
      answer["quarantine"] = json::array();
      for (const auto& row : mapped.quarantined) answer["quarantine"].push_back(row.to_json());
    }
    // The records are already JSON text (record_mapping.hpp): the rest of the
    // answer is written around them, "records" last.
    answer.erase("records");
    std::string text = answer.dump();
    text.pop_back();  // the closing brace
    text.reserve(text.size() + mapped.records_json.size() + 16);
    text += ",\"records\":[";
    text += mapped.records_json;
    text += "]}";
    // Its memory serves the next page of the read (a read that ends gives it back).
    if (!last) records_memory_ = std::move(mapped.records_json);
    return text;
  }
}

json FileAdapter::push(const json& input) {
  if (!input.is_object() || !input.contains("actions") || !input["actions"].is_array()) {
    invalid_input("push input: expected {\"actions\": [action, ...]}");
  }
  if (!settings_.outbox) {
    throw Error(MENTORING_ERR_UNAVAILABLE, "file adapter \"" + name_ +
                                               "\": cannot push, no outbox configured (add "
                                               "settings.outbox.path)");
  }
  if (!outbox_) outbox_.emplace(*settings_.outbox, organisation_, warn_);
  json results = json::array();
  for (const auto& result : outbox_->push(input["actions"].get<std::vector<json>>())) {
    results.push_back(result.to_json());
  }
  return {{"results", std::move(results)}};
}

}  // namespace mentoring::adapters::file
