// A loopback BambooHR for the sync benchmark: the generated organisation of
// DemoData::generate, served as the real API pages it (cursor-paged
// /api/v1/employees, /api/v1/time_off/requests by date window), with bodies
// built by string appends so the server costs little next to the client.
//   sync_bench_server --port P --people N --leave M
#include "demo_data.hpp"

#include <httplib.h>

#include <cstdio>
#include <string>

namespace {

using mentoring::fakes::DemoData;

// JSON string literal; the generated data holds only plain ASCII.
void append_string(std::string& out, const std::string& text) {
  out.push_back('"');
  out += text;
  out.push_back('"');
}

void append_field(std::string& out, const char* key, const std::string& value,
                  bool null_when_empty = true) {
  out.push_back('"');
  out += key;
  out += "\":";
  if (value.empty() && null_when_empty) {
    out += "null";
  } else {
    append_string(out, value);
  }
  out.push_back(',');
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  std::size_t people = 1000000, leave = 200000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--port") port = std::stoi(argv[i + 1]);
    if (flag == "--people") people = std::stoul(argv[i + 1]);
    if (flag == "--leave") leave = std::stoul(argv[i + 1]);
  }
  DemoData data = DemoData::generate(people, leave);
  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000000);

  server.Get("/api/v1/employees", [&](const httplib::Request& req, httplib::Response& res) {
    std::size_t limit =
        req.has_param("page[limit]") ? std::stoul(req.get_param_value("page[limit]")) : 250;
    std::size_t from = 0;
    if (req.has_param("page[after]"))
      from = std::stoul(req.get_param_value("page[after]").substr(4));
    std::size_t to = std::min(data.people.size(), from + limit);
    std::string body = "{\"data\":[";
    body.reserve(limit * 330);
    for (std::size_t i = from; i < to; ++i) {
      const auto& p = data.people[i];
      if (i > from) body.push_back(',');
      body += "{";
      append_field(body, "employeeId", p.id);
      append_field(body, "firstName", p.first_name);
      append_field(body, "lastName", p.last_name);
      append_field(body, "workEmail", p.email);
      append_field(body, "reportsToId", p.manager_id);
      append_field(body, "departmentName", p.department);
      append_field(body, "locationName", p.location);
      append_field(body, "hireDate", p.hire_date);
      append_field(body, "terminationDate", p.termination_date);
      body += "\"status\":\"Active\"}";
    }
    body += "],\"meta\":{\"total\":" + std::to_string(data.people.size()) +
            ",\"page\":{\"limit\":" + std::to_string(limit) + ",\"nextCursor\":";
    body += to < data.people.size() ? "\"pos-" + std::to_string(to) + "\"" : std::string("null");
    body += "}},\"_links\":{}}";
    res.set_content(std::move(body), "application/json");
  });

  server.Get("/api/v1/time_off/requests", [&](const httplib::Request& req, httplib::Response& res) {
    std::string start = req.get_param_value("start"), end = req.get_param_value("end");
    std::string body = "[";
    bool first = true;
    for (const auto& l : data.leave) {
      if (l.start > end || l.end < start) continue;
      if (!first) body.push_back(',');
      first = false;
      body += "{\"id\":\"" + l.id + "\",\"employeeId\":\"" + l.person_id + "\",\"start\":\"" +
              l.start + "\",\"end\":\"" + l.end + "\",\"created\":\"" + l.start +
              "\",\"status\":{\"lastChanged\":\"" + l.last_changed + "\",\"status\":\"" + l.status +
              "\"},\"type\":{\"id\":\"1\",\"name\":\"" + l.type +
              "\"},\"amount\":{\"unit\":\"days\",\"amount\":\"10\"}}";
    }
    body.push_back(']');
    res.set_content(std::move(body), "application/json");
  });

  int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                        : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound <= 0) {
    std::fprintf(stderr, "sync_bench_server: cannot bind 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("listening port=%d people=%zu leave=%zu\n", bound, data.people.size(),
              data.leave.size());
  std::fflush(stdout);
  server.listen_after_bind();
  return 0;
}
