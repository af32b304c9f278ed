#pragma once
// The trainer's side of checkpoints (the layout and the atomic commit are
// server/checkpoint's): what every rank writes at a checkpoint and reads
// when resuming. Included only by the trainer's libtorch translation units.
#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>

#include "server/parallel/communicator.hpp"
#include "server/trainer/trainer.hpp"
#include "server/trainer/trainer_state.hpp"

namespace apiary::server {

// Collective, at a batch boundary: rank 0 prepares the staging directory,
// every rank writes its own state (save_rank_state) and its trainer state,
// rank 0 the model and the optimizer, and rank 0 commits once all have
// written (the byte sum is the barrier).
void save_checkpoint(const std::filesystem::path& run_dir, const TrainerState& state, Communicator& communicator,
                     const RankStateSaver& save_rank_state, const torch::jit::Module& net,
                     const torch::optim::Adam& optimizer);

// Every rank reads the model and optimizer rank 0 saved (identical on
// every rank) and its own trainer state, which it returns.
TrainerState resume_from_checkpoint(const std::filesystem::path& checkpoint, Communicator& communicator,
                                    torch::jit::Module& net, torch::optim::Adam& optimizer);

}  // namespace apiary::server
