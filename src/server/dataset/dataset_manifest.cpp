#include "server/dataset/dataset_manifest.hpp"

#include <bit>
#include <fstream>

#include "common/atomic_file.hpp"
#include "common/error.hpp"

namespace apiary::server {
namespace {

constexpr int kVersion = 1;
constexpr const char* kFormat = "apiary-dataset";

// json[key] as a T; the error names the key (path: where it sits).
template <class T>
T value_of(const nlohmann::json& json, const std::string& key, const std::string& path = "") {
  if (!json.is_object() || !json.contains(key)) throw Error("missing key '" + path + key + "'");
  try {
    return json[key].get<T>();
  } catch (const nlohmann::json::exception& error) {
    // nlohmann's message starts with "[json.exception.type_error.302] ".
    const std::string what = error.what();
    throw Error("key '" + path + key + "': " + what.substr(what.find("] ") + 2));
  }
}

const char* byte_order() { return std::endian::native == std::endian::little ? "little" : "big"; }

std::string list_text(const std::vector<std::string>& names) {
  std::string text = "[";
  for (const auto& name : names) text += (text.size() > 1 ? ", " : "") + name;
  return text + "]";
}

DatasetManifest manifest_from_json(const nlohmann::json& json) {
  if (value_of<std::string>(json, "format") != kFormat)
    throw Error("not an Apiary dataset (format is not apiary-dataset)");
  const int version = value_of<int>(json, "version");
  if (version != kVersion)
    throw Error("dataset format version " + std::to_string(version) + ", this Apiary reads version " +
                std::to_string(kVersion));
  const auto order = value_of<std::string>(json, "byte_order");
  if (order != byte_order())
    throw Error("records are " + order + "-endian, this machine is " + byte_order() + "-endian");
  DatasetManifest manifest;
  manifest.study = value_of<std::string>(json, "study");
  manifest.field = value_of<std::string>(json, "field");
  manifest.parameter_names = value_of<std::vector<std::string>>(json, "parameters");
  manifest.time_steps = value_of<std::uint64_t>(json, "time_steps");
  manifest.layout.inputs = value_of<std::size_t>(json, "inputs");
  manifest.layout.field_size = value_of<std::size_t>(json, "field_size");
  const auto record_bytes = value_of<std::size_t>(json, "record_bytes");
  if (manifest.layout.inputs != manifest.parameter_names.size() + 1)
    throw Error(std::to_string(manifest.layout.inputs) + " inputs for " +
                std::to_string(manifest.parameter_names.size()) + " parameters (expected parameters + 1)");
  if (record_bytes != manifest.layout.bytes())
    throw Error("record_bytes is " + std::to_string(record_bytes) + ", the layout needs " +
                std::to_string(manifest.layout.bytes()));
  const auto shards = value_of<nlohmann::json>(json, "shards");
  if (!shards.is_array()) throw Error("key 'shards': expected an array");
  for (std::size_t i = 0; i < shards.size(); ++i) manifest.shards.push_back(shard_from_json(shards[i], i));
  return manifest;
}

}  // namespace

nlohmann::json shard_to_json(const ShardInfo& shard) {
  return {{"file", shard.file},
          {"role", plan::role_name(shard.role)},
          {"records", shard.records},
          {"server_rank", shard.server_rank}};
}

ShardInfo shard_from_json(const nlohmann::json& json, std::size_t index) {
  const auto path = "shards[" + std::to_string(index) + "].";
  ShardInfo shard;
  shard.file = value_of<std::string>(json, "file", path);
  const std::filesystem::path file(shard.file);
  if (shard.file.empty() || file.has_parent_path() || file == "." || file == "..")
    throw Error("shard file '" + shard.file + "' must be a file name in the dataset directory");
  shard.role = plan::role_named(value_of<std::string>(json, "role", path), "shard role");
  shard.records = value_of<std::uint64_t>(json, "records", path);
  shard.server_rank = value_of<int>(json, "server_rank", path);
  return shard;
}

std::uint64_t DatasetManifest::records(plan::Role role) const {
  std::uint64_t n = 0;
  for (const auto& shard : shards) n += shard.role == role ? shard.records : 0;
  return n;
}

std::uint64_t DatasetManifest::bytes() const {
  return (records(plan::Role::training) + records(plan::Role::validation)) * layout.bytes();
}

DatasetManifest manifest_for(const config::StudyConfig& study) {
  DatasetManifest manifest;
  manifest.study = study.study.name;
  manifest.field = study.client.field;
  for (const auto& parameter : study.parameters) manifest.parameter_names.push_back(parameter.name);
  manifest.time_steps = study.client.time_steps;
  manifest.layout = {study.parameters.size() + 1, study.client.field_size};
  return manifest;
}

void write_manifest(const std::filesystem::path& dir, const DatasetManifest& manifest) {
  nlohmann::json shards = nlohmann::json::array();
  for (const auto& shard : manifest.shards) shards.push_back(shard_to_json(shard));
  const nlohmann::json json = {
      {"format", kFormat},
      {"version", kVersion},
      {"record_layout",
       "uint32 simulation_id, uint32 time_step, float32 inputs[inputs], float32 field[field_size]; fixed size, "
       "record i at byte i * record_bytes"},
      {"byte_order", byte_order()},
      {"study", manifest.study},
      {"field", manifest.field},
      {"parameters", manifest.parameter_names},
      {"time_steps", manifest.time_steps},
      {"inputs", manifest.layout.inputs},
      {"field_size", manifest.layout.field_size},
      {"record_bytes", manifest.layout.bytes()},
      {"training_records", manifest.records(plan::Role::training)},
      {"validation_records", manifest.records(plan::Role::validation)},
      {"bytes", manifest.bytes()},
      {"shards", shards},
  };
  write_file_atomically(dir / kManifestFile, json.dump(1) + "\n");
}

DatasetManifest read_manifest(const std::filesystem::path& dir) {
  const auto file = dir / kManifestFile;
  std::ifstream in(file);
  if (!in) {
    throw Error("no dataset manifest " + file.string() +
                (std::filesystem::is_directory(dir) ? " (an incomplete recording, or not a dataset directory)"
                                                    : " (no such directory)"));
  }
  try {
    return manifest_from_json(nlohmann::json::parse(in));
  } catch (const std::exception& error) {
    throw Error("dataset manifest " + file.string() + ": " + error.what());
  }
}

void require_matching_study(const DatasetManifest& manifest, const config::StudyConfig& study,
                            const std::filesystem::path& dir) {
  const auto expected = manifest_for(study);
  const auto mismatch = [&](const std::string& what, const std::string& recorded, const std::string& wanted) {
    throw ConfigError("dataset " + (dir / kManifestFile).string() + " was recorded with " + what + " " + recorded +
                      ", the study has " + wanted + ": train from a dataset recorded for this study");
  };
  if (manifest.field != expected.field) mismatch("client.field", manifest.field, expected.field);
  if (manifest.layout.field_size != expected.layout.field_size)
    mismatch("client.field_size", std::to_string(manifest.layout.field_size),
             std::to_string(expected.layout.field_size));
  if (manifest.parameter_names != expected.parameter_names)
    mismatch("parameters", list_text(manifest.parameter_names), list_text(expected.parameter_names));
  if (manifest.time_steps != expected.time_steps)
    mismatch("client.time_steps", std::to_string(manifest.time_steps), std::to_string(expected.time_steps));
}

}  // namespace apiary::server
