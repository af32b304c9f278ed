#pragma once
#include "config/study_config.hpp"
#include "plan/study_plan.hpp"

namespace apiary::launcher {

// Draws every simulation of the study. Validation simulations come first
// (ids 0..V-1, so the launcher runs them first and validation data exist
// early), drawn uniformly at random with study.validation_seed,
// independently of the training design; training simulations follow,
// drawn with study.sampler and study.seed.
plan::StudyPlan build_plan(const config::StudyConfig& study);

}  // namespace apiary::launcher
