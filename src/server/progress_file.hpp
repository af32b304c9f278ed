#pragma once
// The rank's heartbeat: RUN_DIR/progress/rank-R.json, rewritten atomically
// about every second by a thread of its own (training may go on long after
// reception ended, and the launcher must still see the server alive), once
// at start and once at the end. The launcher and `apiary status` read it:
//
//   {"rank": 0, "pid": 1234, "time": 1790000000.25, "batches": 1200,
//    "resumed_from_batch": 1000, "time_steps_received": 5400,
//    "simulations": {"17": {"steps": 40, "last": 1790000000.1}, ...}}
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "server/ingest/ingest.hpp"

namespace apiary::server {

class ProgressFile {
 public:
  // describe: everything but "rank", "pid" and "time", read from any
  // thread. Writes the file once, then starts the thread.
  ProgressFile(const std::filesystem::path& run_dir, int rank, std::function<nlohmann::json()> describe);
  // Stops the thread and writes the file a last time.
  ~ProgressFile();
  ProgressFile(const ProgressFile&) = delete;
  ProgressFile& operator=(const ProgressFile&) = delete;

 private:
  // Only one writer at a time: they share the temporary file's name.
  void write() const;

  std::filesystem::path file_;
  int rank_;
  std::function<nlohmann::json()> describe_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stop_ = false;
  std::thread thread_;
};

// The fields that come from reception and training: batches done, the
// checkpoint resumed from, the steps held per simulation.
nlohmann::json describe_progress(const Ingest& ingest, std::uint64_t batches,
                                 std::optional<std::uint64_t> resumed_from);

}  // namespace apiary::server
