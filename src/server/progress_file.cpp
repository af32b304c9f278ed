#include "server/progress_file.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>

#include "common/atomic_file.hpp"
#include "common/elapsed.hpp"

namespace apiary::server {
namespace {
constexpr auto kPeriod = std::chrono::seconds(1);
}

ProgressFile::ProgressFile(const std::filesystem::path& run_dir, int rank, std::function<nlohmann::json()> describe)
    : file_(run_dir / "progress" / ("rank-" + std::to_string(rank) + ".json")),
      rank_(rank),
      describe_(std::move(describe)) {
  std::filesystem::create_directories(file_.parent_path());
  write();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_requested_.wait_for(lock, kPeriod, [this] { return stop_; })) {
      // A full disk must not end training: the launcher will see a stale file.
      try {
        write();
      } catch (const std::exception& error) {
        spdlog::warn("cannot write the progress file: {}", error.what());
      }
    }
  });
}

ProgressFile::~ProgressFile() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  stop_requested_.notify_all();
  thread_.join();
  try {
    write();
  } catch (const std::exception& error) {
    spdlog::warn("cannot write the progress file: {}", error.what());
  }
}

void ProgressFile::write() const {
  auto json = describe_();
  json["rank"] = rank_;
  json["pid"] = ::getpid();
  json["time"] = unix_seconds();
  write_file_atomically(file_, json.dump() + "\n");
}

nlohmann::json describe_progress(const Ingest& ingest, std::uint64_t batches,
                                 std::optional<std::uint64_t> resumed_from) {
  nlohmann::json simulations = nlohmann::json::object();
  for (const auto& [id, steps] : ingest.simulation_progress())
    simulations[std::to_string(id)] = {{"steps", steps.steps}, {"last", steps.last}};
  return {{"batches", batches},
          {"resumed_from_batch", resumed_from ? nlohmann::json(*resumed_from) : nlohmann::json(nullptr)},
          {"time_steps_received", ingest.counters().time_steps_received.load()},
          {"simulations", std::move(simulations)}};
}

}  // namespace apiary::server
