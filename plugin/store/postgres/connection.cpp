#include <mentoring/store/postgres/connection.hpp>

#include <libpq-fe.h>
#include <pqxx/except>
#include <pqxx/pqxx>

#include <stdexcept>
#include <utility>
#include <vector>

namespace mentoring::store::postgres {

namespace {

struct ParsedUrl {
  std::vector<std::pair<std::string, std::string>> settings;  // keyword, value (set ones only)
  std::string value(std::string_view keyword) const {
    for (const auto& [k, v] : settings)
      if (k == keyword) return v;
    return {};
  }
};

// libpq's own parser (URIs and key=value strings alike). Its error message may quote
// the part it could not read, which may be the password, so it is not passed on.
ParsedUrl parse(const std::string& url, std::string_view secret_name) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    if (error != nullptr) PQfreemem(error);
    throw PostgresError("the PostgreSQL connection URL in secret \"" + std::string(secret_name) +
                        "\" cannot be read (expected postgresql://user:password@host:port/database "
                        "or key=value settings; libpq's words are not shown as they may quote it)");
  }
  ParsedUrl parsed;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o)
    if (o->val != nullptr) parsed.settings.emplace_back(o->keyword, o->val);
  PQconninfoFree(options);
  return parsed;
}

std::string quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string describe(const ParsedUrl& parsed) {
  std::string host = parsed.value("host");
  if (host.empty()) host = parsed.value("hostaddr");
  if (host.empty()) host = "(default socket)";
  std::string port = parsed.value("port");
  std::string database = parsed.value("dbname");
  std::string user = parsed.value("user");
  return (user.empty() ? "" : user + "@") + host + (port.empty() ? "" : ":" + port) + "/" +
         (database.empty() ? "(default database)" : database);
}

std::string one_line(std::string text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string without(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
    text.replace(at, secret.size(), "***");
  return text;
}

}  // namespace

std::string with_settings(const std::string& url,
                          const std::map<std::string, std::string>& settings,
                          std::string_view secret_name) {
  ParsedUrl parsed = parse(url, secret_name);
  std::string out;
  for (const auto& [keyword, value] : parsed.settings)
    if (!settings.contains(keyword)) out += keyword + "=" + quoted(value) + " ";
  for (const auto& [keyword, value] : settings) out += keyword + "=" + quoted(value) + " ";
  if (!out.empty()) out.pop_back();
  return out;
}

Connection::Connection(const std::string& url, std::string_view secret_name) {
  ParsedUrl parsed = parse(url, secret_name);
  server_ = describe(parsed);
  password_ = parsed.value("password");
  std::map<std::string, std::string> defaults;
  if (parsed.value("connect_timeout").empty())
    defaults["connect_timeout"] = std::to_string(kDefaultConnectTimeout);
  if (parsed.value("application_name").empty()) defaults["application_name"] = "mentoring-host";
  try {
    connection_ = std::make_unique<pqxx::connection>(with_settings(url, defaults, secret_name));
  } catch (const std::exception& e) {
    throw error("connecting (URL from secret \"" + std::string(secret_name) + "\")", e);
  }
}

Connection::~Connection() = default;

void Connection::prepare_once(const std::string& name, const char* sql) {
  auto [it, inserted] = prepared_.try_emplace(name, sql);
  if (!inserted) {
    if (it->second != sql)
      throw std::logic_error("prepared statement " + name + " is already another SQL");
    return;
  }
  try {
    connection_->prepare(name, sql);
  } catch (const std::exception& e) {
    prepared_.erase(it);
    throw error("preparing statement " + name, e);
  }
}

PostgresError Connection::error(std::string_view what, const std::exception& cause) const {
  std::string words = one_line(without(cause.what(), password_));
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&cause);
      sql && !sql->sqlstate().empty())
    words += " (SQLSTATE " + sql->sqlstate() + ")";
  return PostgresError("PostgreSQL " + server_ + ": " + std::string(what) + " failed: " + words);
}

DbTime database_now(pqxx::transaction_base& txn) {
  auto row = txn.exec1("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint");
  return DbTime(std::chrono::microseconds(row[0].as<std::int64_t>()));
}

}  // namespace mentoring::store::postgres
