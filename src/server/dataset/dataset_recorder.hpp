#pragma once
// One server rank's recording of the samples it accepted: a training shard
// and a validation shard (held-out simulations stay apart, as they do in
// online training). Called from the rank's reception thread only.
#include <filesystem>
#include <vector>

#include "plan/study_plan.hpp"
#include "server/dataset/dataset_manifest.hpp"
#include "server/dataset/shard_writer.hpp"

namespace apiary::server {

class DatasetRecorder {
 public:
  // Creates dir (if needed) and this rank's shards in it.
  DatasetRecorder(const std::filesystem::path& dir, RecordLayout layout, int rank);

  void add(const Sample& sample, plan::Role role);
  // Completes both shards; returns what the manifest lists for them.
  std::vector<ShardInfo> finish();

 private:
  int rank_;
  ShardWriter training_;
  ShardWriter validation_;
};

// This rank's shard of a role, e.g. training-rank0000.bin.
std::string shard_file_name(plan::Role role, int rank);

}  // namespace apiary::server
