#pragma once
// manifest.json of a dataset directory: what `apiary offline` recorded
// (the study's field, inputs and time steps, the record layout) and every
// shard with its role and record count. Written last and atomically, so a
// directory with a manifest holds complete shards.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/study_config.hpp"
#include "plan/study_plan.hpp"
#include "server/dataset/record_layout.hpp"

namespace apiary::server {

struct ShardInfo {
  std::string file;  // relative to the dataset directory
  plan::Role role = plan::Role::training;
  std::uint64_t records = 0;
  int server_rank = 0;  // the rank that recorded it

  bool operator==(const ShardInfo&) const = default;
};

struct DatasetManifest {
  std::string study;  // the study's name, for people
  std::string field;
  std::vector<std::string> parameter_names;  // the model's inputs, then the time-step index
  std::uint64_t time_steps = 0;
  RecordLayout layout;
  std::vector<ShardInfo> shards;

  std::uint64_t records(plan::Role role) const;
  std::uint64_t bytes() const;  // of every shard

  bool operator==(const DatasetManifest&) const = default;
};

constexpr const char* kManifestFile = "manifest.json";

// A shard's entry in the manifest (index: its place in the list, for
// messages); shard_from_json throws apiary::Error on a missing or mistyped
// key, an unknown role or a file name that is not a plain name in the
// dataset directory.
nlohmann::json shard_to_json(const ShardInfo& shard);
ShardInfo shard_from_json(const nlohmann::json& json, std::size_t index);

// The manifest a study's recording starts from (no shards yet).
DatasetManifest manifest_for(const config::StudyConfig& study);

// Writes dir/manifest.json atomically.
void write_manifest(const std::filesystem::path& dir, const DatasetManifest& manifest);

// Reads dir/manifest.json; throws apiary::Error naming the file and the
// problem (missing, not JSON, a missing or wrong key, another version or
// byte order, a record size that does not match the layout).
DatasetManifest read_manifest(const std::filesystem::path& dir);

// Throws apiary::ConfigError naming the manifest and the first difference
// when the dataset was not recorded for a study of this shape (field,
// field size, parameters, time steps): training would read other data.
void require_matching_study(const DatasetManifest& manifest, const config::StudyConfig& study,
                            const std::filesystem::path& dir);

}  // namespace apiary::server
