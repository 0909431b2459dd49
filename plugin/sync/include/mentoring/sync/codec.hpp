// mentoring/sync/codec.hpp — normalised JSON records (schemas/) <-> domain records.
// Callers validate against the schema first; these only convert.
#pragma once

#include <mentoring/domain/org_policy.hpp>
#include <mentoring/domain/programme.hpp>
#include <mentoring/domain/records.hpp>

#include <mentoring/json_page.hpp>
#include <nlohmann/json.hpp>

namespace mentoring::sync {

// Records as the sync reads them from a pull answer (schema::JsonPage).
domain::Person person_from(const schema::JsonValue& record);
domain::Leave leave_from(const schema::JsonValue& record);
domain::CourseCompletion completion_from(const schema::JsonValue& record);
domain::Programme programme_from_json(const nlohmann::json& definition);
// The organisation config (validated against schemas/org-config.schema.json).
domain::OrgPolicy org_policy_from_json(const nlohmann::json& config);

}  // namespace mentoring::sync
