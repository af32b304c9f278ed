#pragma once
// The checks a value cannot make alone: relations between
// keys, names usable as directories or placeholders. Runs after
// study_reader has checked types and integer bounds.
#include "config/study_config.hpp"
#include "config/value_origins.hpp"

namespace apiary::config {

void validate_study(const StudyConfig& config, const ValueOrigins& origins);

}  // namespace apiary::config
