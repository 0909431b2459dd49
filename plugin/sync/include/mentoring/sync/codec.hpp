// mentoring/sync/codec.hpp — normalised JSON records (schemas/) <-> domain records.
// Callers validate against the schema first; these only convert.
#pragma once

#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>

#include <nlohmann/json.hpp>

namespace mentoring::sync {

domain::Person person_from_json(const nlohmann::json& record);
domain::Leave leave_from_json(const nlohmann::json& record);
domain::CourseCompletion completion_from_json(const nlohmann::json& record);
domain::Programme programme_from_json(const nlohmann::json& definition);

}  // namespace mentoring::sync
