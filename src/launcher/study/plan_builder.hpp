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

// A simulation drawn in place of one that failed too often: the role's own
// sequence (the same sampler and seed as the plan's) continued past the
// plan's draws and the `earlier_redraws` drawn before, so that a replacement
// never repeats a planned point and a resumed launcher draws the same ones.
plan::PlannedSimulation draw_replacement(const config::StudyConfig& study, plan::Role role,
                                         std::uint64_t earlier_redraws, std::uint32_t id);

}  // namespace apiary::launcher
