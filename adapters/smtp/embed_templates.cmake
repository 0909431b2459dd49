# Writes OUTPUT: a C++ file defining
# mentoring::adapters::smtp::embedded_templates() over every *.mustache file of
# DIR, so the module carries its default templates and needs no file at run time.
file(GLOB files RELATIVE ${DIR} ${DIR}/*.mustache)
list(SORT files)
set(body "// Generated from ${DIR} by adapters/smtp/embed_templates.cmake. Do not edit.\n")
string(APPEND body "#include <map>\n#include <string>\n\nnamespace mentoring::adapters::smtp {\n")
string(APPEND body "const std::map<std::string, std::string>& embedded_templates();\n")
string(APPEND body "const std::map<std::string, std::string>& embedded_templates() {\n")
string(APPEND body "  static const std::map<std::string, std::string> kTemplates = {\n")
foreach(name ${files})
  file(READ ${DIR}/${name} text)
  string(APPEND body "      {\"${name}\", R\"mustache_text(${text})mustache_text\"},\n")
endforeach()
string(APPEND body "  };\n  return kTemplates;\n}\n}  // namespace mentoring::adapters::smtp\n")
file(WRITE ${OUTPUT} "${body}")
