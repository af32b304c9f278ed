#pragma once
// The first phase of `apiary offline`: the server receives the study's
// streams exactly as for online training (same validation, reassembly and
// deduplication) but records every accepted sample into a dataset instead
// of training. Each rank writes its own shards; rank 0 then writes the
// manifest and server_summary.json.
#include <filesystem>

#include "config/study_config.hpp"
#include "plan/study_plan.hpp"
#include "server/parallel/communicator.hpp"

namespace apiary::server {

// Collective; returns the process exit code. Throws apiary::Error naming
// the shard on a write error.
int record_dataset(Communicator& communicator, const config::StudyConfig& study, plan::StudyPlan plan,
                   const std::filesystem::path& run_dir, const std::filesystem::path& dataset_dir);

}  // namespace apiary::server
