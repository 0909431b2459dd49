# Writes OUTPUT: a C++ file defining `const std::string_view NAMESPACE::SYMBOL`
# with the text of INPUT (a settings schema), so a module validates against
# exactly the schema it was built with and needs no file at run time.
file(READ ${INPUT} text)
set(body "// Generated from ${INPUT} by rest_common/embed_json.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\nnamespace ${NAMESPACE} {\n")
string(APPEND body "extern const std::string_view ${SYMBOL};\n")
string(APPEND body "const std::string_view ${SYMBOL} = R\"embedded_json(${text})embedded_json\";\n")
string(APPEND body "}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUTPUT} "${body}")
