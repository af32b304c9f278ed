#pragma once
// The trainer's options of a server rank: the study's, with what its
// source of samples decides (checkpoints, whether a full buffer forces a
// step, the checkpoint to resume from) and the rank's torch threads.
#include <filesystem>

#include "config/study_config.hpp"
#include "server/parallel/communicator.hpp"
#include "server/sources/sample_source.hpp"
#include "server/trainer/trainer.hpp"

namespace apiary::server {

// Model, probe and checkpoints go into run_dir.
TrainerOptions trainer_options(const config::StudyConfig& study, const Communicator& communicator,
                               const std::filesystem::path& run_dir, const SampleSource& source);

}  // namespace apiary::server
