#include "server/trainer_options.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

namespace apiary::server {
namespace {

// Torch threads of this rank: the study's, or this rank's share of the
// cores it may run on (all of the node's unless the MPI launcher bound it).
int torch_threads(int configured, const Communicator& communicator) {
  if (configured > 0) return configured;
  cpu_set_t affinity;
  CPU_ZERO(&affinity);
  const int usable = sched_getaffinity(0, sizeof(affinity), &affinity) == 0 ? CPU_COUNT(&affinity) : 1;
  const int node = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  const bool bound = usable < node;
  return std::max(1, bound ? usable : usable / communicator.ranks_on_node());
}

}  // namespace

TrainerOptions trainer_options(const config::StudyConfig& study, const Communicator& communicator,
                               const std::filesystem::path& run_dir, const SampleSource& source) {
  std::vector<std::pair<double, double>> parameter_ranges;
  for (const auto& p : study.parameters) parameter_ranges.emplace_back(p.min, p.max);
  return {.training = study.training,
          .model_source = study.training.uses_builtin_model() ? std::filesystem::path()
                                                              : std::filesystem::path(study.training.model),
          .parameter_ranges = std::move(parameter_ranges),
          .time_steps = static_cast<std::uint32_t>(study.client.time_steps),
          .output_size = study.client.field_size,
          .threads = torch_threads(study.server.threads, communicator),
          .device = study.server.device,
          .metrics_every = study.server.metrics_every,
          .full_buffer_forces_step = source.full_buffer_forces_step(),
          .model_output = run_dir / "model.pt",
          .probe_output = run_dir / "validation_probe.json",
          .checkpoint_every = source.checkpoint_every(),
          .checkpoint_run_dir = run_dir,
          .resume_from = source.resumption().checkpoint};
}

}  // namespace apiary::server
