#include "server/trainer/checkpoint_commit.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cstdint>

#include "common/elapsed.hpp"
#include "server/checkpoint/checkpoint_store.hpp"
#include "server/trainer/model_state.hpp"

namespace apiary::server {

void save_checkpoint(const std::filesystem::path& run_dir, const TrainerState& state, Communicator& communicator,
                     const RankStateSaver& save_rank_state, const torch::jit::Module& net,
                     const torch::optim::Adam& optimizer) {
  const auto started = std::chrono::steady_clock::now();
  const bool root = communicator.rank() == 0;
  std::array<std::int64_t, 1> bytes{0};
  if (root) prepare_staging(run_dir, state.batches);
  if (communicator.size() > 1) communicator.sum(bytes);
  const auto dir = staging_dir(run_dir, state.batches);
  bytes[0] = static_cast<std::int64_t>(save_rank_state(dir) + save_trainer_state(dir, communicator.rank(), state));
  if (root) bytes[0] += static_cast<std::int64_t>(save_model_state(model_state_file(dir), net, optimizer));
  if (communicator.size() > 1) communicator.sum(bytes);
  if (!root) return;
  const auto committed =
      commit_checkpoint(run_dir, {.batch = state.batches, .ranks = communicator.size(), .time = unix_seconds()});
  spdlog::info("checkpoint {}: {} bytes in {:.2f} s", committed.filename().string(), bytes[0], seconds_since(started));
}

TrainerState resume_from_checkpoint(const std::filesystem::path& checkpoint, Communicator& communicator,
                                    torch::jit::Module& net, torch::optim::Adam& optimizer) {
  load_model_state(model_state_file(checkpoint), net, optimizer);
  auto state = load_trainer_state(checkpoint, communicator.rank());
  if (communicator.rank() == 0)
    spdlog::info("resumed from checkpoint {} (optimizer step {})", checkpoint.filename().string(),
                 adam_steps(optimizer));
  return state;
}

}  // namespace apiary::server
