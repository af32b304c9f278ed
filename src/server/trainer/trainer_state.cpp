#include "server/trainer/trainer_state.hpp"

#include <span>
#include <string>

#include "server/checkpoint/archive.hpp"

namespace apiary::server {
namespace {
constexpr const char* kKind = "trainer";
}

std::filesystem::path trainer_state_file(const std::filesystem::path& checkpoint_dir, int rank) {
  return checkpoint_dir / ("trainer-" + std::to_string(rank) + ".bin");
}

std::uint64_t save_trainer_state(const std::filesystem::path& checkpoint_dir, int rank, const TrainerState& state) {
  ArchiveWriter out(trainer_state_file(checkpoint_dir, rank), kKind);
  out.u64(state.batches);
  out.u64(state.samples_trained);
  out.u64(state.local_samples_trained);
  out.f64(state.seconds);
  const auto& n = state.normalization;
  out.array(std::span<const float>(n.input_shift));
  out.array(std::span<const float>(n.input_scale));
  out.array(std::span<const float>(n.output_mean));
  out.f64(n.output_std);
  return out.finish();
}

TrainerState load_trainer_state(const std::filesystem::path& checkpoint_dir, int rank) {
  ArchiveReader in(trainer_state_file(checkpoint_dir, rank), kKind);
  TrainerState state;
  state.batches = in.u64();
  state.samples_trained = in.u64();
  state.local_samples_trained = in.u64();
  state.seconds = in.f64();
  auto& n = state.normalization;
  n.input_shift = in.array<float>("input shifts");
  n.input_scale = in.array<float>("input scales");
  n.output_mean = in.array<float>("output means");
  n.output_std = static_cast<float>(in.f64());
  in.expect_end();
  return state;
}

}  // namespace apiary::server
