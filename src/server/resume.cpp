#include "server/resume.hpp"

#include <spdlog/spdlog.h>

#include <string>

#include "common/error.hpp"
#include "server/checkpoint/checkpoint_store.hpp"

namespace apiary::server {

std::optional<std::filesystem::path> checkpoint_to_resume(const std::filesystem::path& run_dir, int ranks) {
  const auto checkpoint = latest_checkpoint(run_dir);
  if (!checkpoint) {
    spdlog::info("--resume: no checkpoint in {}, starting afresh", checkpoints_dir(run_dir).string());
    return std::nullopt;
  }
  const auto meta = read_checkpoint_meta(*checkpoint);
  if (meta.ranks != ranks)
    throw Error("cannot resume from " + checkpoint->string() + ": it was written by " + std::to_string(meta.ranks) +
                " server ranks and " + std::to_string(ranks) + " were started");
  return checkpoint;
}

}  // namespace apiary::server
