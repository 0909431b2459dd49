// mentoring/permission_matrix.hpp — schemas/permissions.json as built in: the
// one permission matrix (command x role -> scope org / pair / self), which the
// plugin enforces (plugin/shell/permissions.cpp) and the host consults
// (mentoring/host/permissions.hpp). Embedded by schemas/embed_text.cmake.
#pragma once

#include <string_view>

namespace mentoring::schema {

// The file's text, exactly as it was when this library was built.
std::string_view permission_matrix_text();

}  // namespace mentoring::schema
