#pragma once
// The metrics stream: one JSON object per line (JSON Lines), appended and
// flushed as events happen so that a progress display or a crashed run
// still has every line written before.
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace apiary::server {

class MetricsLog {
 public:
  explicit MetricsLog(const std::filesystem::path& file);
  // Adds "event" and "time" (seconds since the log opened) and writes.
  void write(const std::string& event, nlohmann::json record);
  double elapsed_seconds() const;

 private:
  std::mutex mutex_;
  std::ofstream out_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace apiary::server
