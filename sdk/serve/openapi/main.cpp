// mentoring-openapi: writes schemas/openapi.json from schemas/permissions.json
// and the command schemas, or checks that the checked-in file is what it
// would write (exit 1 with a diff-like excerpt when not).
#include "openapi/openapi.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  namespace openapi = mentoring::serve::openapi;
  CLI::App app{"mentoring-openapi: the OpenAPI 3.1 description of mentoring-host serve"};
  std::string schemas_dir, version, output, check;
  app.add_option("--schemas", schemas_dir, "The schemas folder (permissions.json, commands/)")
      ->required();
  app.add_option("--version", version, "info.version of the document")->required();
  auto* write = app.add_option("--output", output, "Write the document to this file");
  app.add_option("--check", check, "Compare this file with the document; exit 1 when it differs")
      ->excludes(write);
  CLI11_PARSE(app, argc, argv);
  if (output.empty() && check.empty()) {
    std::cerr << "mentoring-openapi: give --output FILE or --check FILE\n";
    return 2;
  }
  std::string document;
  try {
    document = openapi::render(openapi::generate(schemas_dir, version));
  } catch (const std::exception& error) {
    std::cerr << "mentoring-openapi: " << error.what() << "\n";
    return 2;
  }
  if (!output.empty()) {
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << document;
    if (!out.flush()) {
      std::cerr << "mentoring-openapi: cannot write " << output << "\n";
      return 2;
    }
    std::cout << "mentoring-openapi: wrote " << output << "\n";
    return 0;
  }
  std::ifstream in(check, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  std::string diff = openapi::difference(in ? text.str() : "", document);
  if (diff.empty()) {
    std::cout << "mentoring-openapi: " << check << " is up to date\n";
    return 0;
  }
  std::cerr << "mentoring-openapi: " << check << (in ? " differs from" : " is missing; expected")
            << " what permissions.json and "
            << "the command schemas give; regenerate it with `cmake --build --preset dev "
               "--target openapi_json` and commit it:\n"
            << diff;
  return 1;
}
