# Writes OUTPUT: a C++ file defining std::string_view <FUNCTION>() in namespace
# mentoring::schema, answering INPUT's text (a raw string literal), so the
# plugin and the host read the very file they were built with.
file(READ ${INPUT} text)
string(FIND "${text}" ")mentoring_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} holds the raw string delimiter )mentoring_text\"")
endif()
file(WRITE ${OUTPUT}
  "// Generated from ${INPUT} by embed_text.cmake. Do not edit.\n"
  "#include <string_view>\n\nnamespace mentoring::schema {\n"
  "std::string_view ${FUNCTION}() {\n  return R\"mentoring_text(${text})mentoring_text\";\n}\n"
  "}  // namespace mentoring::schema\n")
