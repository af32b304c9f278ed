#pragma once
// Where a run writes: --run-dir, else study.run_dir, else
// runs/<study name><suffix>-<timestamp>; it must be new or empty.
#include <filesystem>
#include <string>

#include "config/study_config.hpp"

namespace apiary::launcher {

std::filesystem::path choose_run_dir(const std::filesystem::path& requested, const config::StudyConfig& study,
                                     const std::string& suffix = "");

// Creates dir; throws apiary::ConfigError when it exists and is not empty.
void prepare_run_dir(const std::filesystem::path& dir);

}  // namespace apiary::launcher
