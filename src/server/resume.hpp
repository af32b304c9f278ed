#pragma once
// `apiary-server --resume`: which checkpoint of the run directory the
// server continues from.
#include <filesystem>
#include <optional>

namespace apiary::server {

// The checkpoint `latest` names, or none (logged: the server starts
// afresh). Throws apiary::Error when it was written by another number of
// server ranks, or is unreadable.
std::optional<std::filesystem::path> checkpoint_to_resume(const std::filesystem::path& run_dir, int ranks);

}  // namespace apiary::server
