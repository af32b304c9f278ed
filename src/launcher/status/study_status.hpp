#pragma once
// `apiary status RUN_DIR`: a study's progress read from its run directory
// alone, so that it works on a running study (from another shell or node),
// a finished one, or one whose launcher died. Sources: launcher.json (the
// launcher's view of the simulations), progress/rank-R.json (each server
// rank's heartbeat), metrics.jsonl (training) and summary.json (the end).
// Missing or partial files are normal (a study just started, a server not
// up yet): what they would have said is reported as unknown, never an error.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

namespace apiary::launcher {

// The study's status as one JSON object (the --json output); `now` in
// seconds since the epoch. Throws apiary::Error when run_dir is not a run
// directory (neither launcher.json nor study.toml in it).
nlohmann::json read_study_status(const std::filesystem::path& run_dir, double now);

// The same, as a few lines for people.
std::string format_study_status(const nlohmann::json& status);

// The subcommand: prints the status of run_dir to out (as JSON with
// `json`), errors to err; returns the exit code: 0, or 2 when run_dir is
// not a run directory.
int print_study_status(const std::filesystem::path& run_dir, bool json, std::ostream& out, std::ostream& err);

}  // namespace apiary::launcher
