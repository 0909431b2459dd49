# Writes OUTPUT: a C++ file defining mentoring::schema::detail::embedded(name),
# with each of INPUTS (".../<name>.schema.json") as a raw string literal.
set(body "// Generated from schemas/*.schema.json by embed_schemas.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n#include <utility>\n\nnamespace mentoring::schema::detail {\n")
string(APPEND body "extern const std::pair<std::string_view, std::string_view> kEmbeddedSchemas[];\n")
string(APPEND body "const std::pair<std::string_view, std::string_view> kEmbeddedSchemas[] = {\n")
string(REPLACE "|" ";" INPUTS "${INPUTS}")
foreach(input IN LISTS INPUTS)
  # The name is the path below schemas/ without ".schema.json": "leave", "commands/accept".
  file(RELATIVE_PATH relative ${SCHEMA_DIR} ${input})
  string(REPLACE ".schema.json" "" name ${relative})
  file(READ ${input} text)
  string(APPEND body "  {\"${name}\", R\"mentoring_schema(${text})mentoring_schema\"},\n")
endforeach()
string(APPEND body "  {{}, {}},\n};\n}  // namespace mentoring::schema::detail\n")
file(WRITE ${OUTPUT} "${body}")
