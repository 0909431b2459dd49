// mentoring/sync/record_check.hpp — the record schemas (person, leave,
// course-completion), checked by hand on the sync path.
//
// valijson builds its regular expressions per validation; a million records
// would spend most of a sync there. These checks implement exactly the rules
// of schemas/{person,leave,course-completion}.schema.json, and a test holds
// them to the same verdicts and pointers as the schema validator.
#pragma once

#include <mentoring/schema.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mentoring::sync {

// Problems of one record against the named record schema ("person", "leave",
// "course-completion"); empty when valid.
std::vector<schema::Problem> check_record(std::string_view schema_name, const nlohmann::json& record,
                                          const std::string& source);

}  // namespace mentoring::sync
