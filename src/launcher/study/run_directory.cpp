#include "launcher/study/run_directory.hpp"

#include <spdlog/fmt/chrono.h>
#include <spdlog/fmt/fmt.h>

#include <ctime>

#include "common/error.hpp"

namespace fs = std::filesystem;

namespace apiary::launcher {

fs::path choose_run_dir(const fs::path& requested, const config::StudyConfig& study, const std::string& suffix) {
  if (!requested.empty()) return requested;
  if (!study.study.run_dir.empty()) return study.study.run_dir;
  const std::time_t now = std::time(nullptr);
  return fs::path("runs") / fmt::format("{}{}-{:%Y%m%d-%H%M%S}", study.study.name, suffix, fmt::localtime(now));
}

void prepare_run_dir(const fs::path& dir) {
  if (fs::exists(dir) && !fs::is_empty(dir)) {
    throw ConfigError("run directory " + dir.string() + " exists and is not empty: choose another with --run-dir");
  }
  fs::create_directories(dir);
}

}  // namespace apiary::launcher
