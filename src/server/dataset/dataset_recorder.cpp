#include "server/dataset/dataset_recorder.hpp"

#include <spdlog/fmt/fmt.h>

namespace apiary::server {
namespace {

std::filesystem::path created(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

std::string shard_file_name(plan::Role role, int rank) {
  return fmt::format("{}-rank{:04d}.bin", plan::role_name(role), rank);
}

DatasetRecorder::DatasetRecorder(const std::filesystem::path& dir, RecordLayout layout, int rank)
    : rank_(rank),
      training_(created(dir) / shard_file_name(plan::Role::training, rank), layout),
      validation_(dir / shard_file_name(plan::Role::validation, rank), layout) {}

void DatasetRecorder::add(const Sample& sample, plan::Role role) {
  (role == plan::Role::training ? training_ : validation_).append(sample);
}

std::vector<ShardInfo> DatasetRecorder::finish() {
  const auto info = [this](ShardWriter& writer, plan::Role role) {
    const auto records = writer.finish();
    return ShardInfo{writer.file().filename().string(), role, records, rank_};
  };
  return {info(training_, plan::Role::training), info(validation_, plan::Role::validation)};
}

}  // namespace apiary::server
