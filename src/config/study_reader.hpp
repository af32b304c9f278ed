#pragma once
// Maps the TOML tables of a study onto StudyConfig: one table per section,
// [[parameters]] in input order. Checks structure, types and integer
// bounds; relations between values are study_validation's.
#include <toml++/toml.h>

#include "config/study_config.hpp"
#include "config/value_origins.hpp"

namespace apiary::config {

StudyConfig read_study(const toml::table& root, const ValueOrigins& origins);

}  // namespace apiary::config
