# Writes OUTPUT: a C++ file defining the file adapter's settings schema (INPUT)
# as a raw string literal, so the module validates against exactly the schema
# it was built with and needs no file at run time.
file(READ ${INPUT} text)
set(body "// Generated from adapters/file/settings.schema.json by embed_settings_schema.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\nnamespace mentoring::adapters::file::detail {\n")
string(APPEND body "extern const std::string_view kSettingsSchemaText;\n")
string(APPEND body "const std::string_view kSettingsSchemaText = R\"settings_json(${text})settings_json\";\n")
string(APPEND body "}  // namespace mentoring::adapters::file::detail\n")
file(WRITE ${OUTPUT} "${body}")
