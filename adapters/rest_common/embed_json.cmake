# Writes OUTPUT: a C++ file defining `std::string_view NAMESPACE::settings_schema_text()`
# (declared in the adapter's header) over the text of INPUT, so a module
# validates against exactly the schema it was built with and needs no file at
# run time.
file(READ ${INPUT} text)
set(body "// Generated from ${INPUT} by rest_common/embed_json.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\nnamespace ${NAMESPACE} {\n")
string(APPEND body "std::string_view settings_schema_text();\n")
string(APPEND body "std::string_view settings_schema_text() {\n")
string(APPEND body "  return R\"embedded_json(${text})embedded_json\";\n}\n")
string(APPEND body "}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUTPUT} "${body}")
