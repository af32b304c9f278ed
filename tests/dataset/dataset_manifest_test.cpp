// The manifest: written by the recording, read back equal; every way it
// can be wrong is an error naming the file; a study of another shape is
// refused.
#include "server/dataset/dataset_manifest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "dataset/dataset_test_support.hpp"

namespace apiary::server {
namespace {

using ::testing::HasSubstr;
using testing::small_study;
using testing::TemporaryDirectory;

DatasetManifest recorded_manifest() {
  auto manifest = manifest_for(small_study());
  manifest.shards = {{"training-rank0000.bin", plan::Role::training, 40, 0},
                     {"validation-rank0000.bin", plan::Role::validation, 10, 0},
                     {"training-rank0001.bin", plan::Role::training, 35, 1}};
  return manifest;
}

// dir/manifest.json after edit() changed the JSON a valid manifest would hold.
void write_edited(const std::filesystem::path& dir, const std::function<void(nlohmann::json&)>& edit) {
  write_manifest(dir, recorded_manifest());
  auto json = nlohmann::json::parse(std::ifstream(dir / kManifestFile));
  edit(json);
  std::ofstream(dir / kManifestFile) << json.dump();
}

std::string error_reading(const std::filesystem::path& dir) {
  try {
    read_manifest(dir);
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no apiary::Error";
  return "";
}

TEST(DatasetManifest, ReadsBackWhatWasWritten) {
  TemporaryDirectory dir("manifest");
  write_manifest(dir.path(), recorded_manifest());
  const auto manifest = read_manifest(dir.path());
  EXPECT_EQ(manifest, recorded_manifest());
  EXPECT_EQ(manifest.records(plan::Role::training), 75u);
  EXPECT_EQ(manifest.records(plan::Role::validation), 10u);
  EXPECT_EQ(manifest.bytes(), 85 * manifest.layout.bytes());
  EXPECT_EQ(manifest.layout.bytes(), 8u + 4 * (3 + 4));
}

TEST(DatasetManifest, AMissingManifestSaysTheRecordingIsIncomplete) {
  TemporaryDirectory dir("missing");
  EXPECT_THAT(error_reading(dir.path()),
              HasSubstr("no dataset manifest " + (dir.path() / kManifestFile).string() + " (an incomplete recording"));
  EXPECT_THAT(error_reading(dir.path() / "nowhere"), HasSubstr("(no such directory)"));
}

TEST(DatasetManifest, ErrorsNameTheFileAndTheProblem) {
  TemporaryDirectory dir("errors");
  const std::string file = (dir.path() / kManifestFile).string();
  const std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> cases = {
      {[](nlohmann::json& j) { j.erase("field_size"); }, "missing key 'field_size'"},
      {[](nlohmann::json& j) { j["version"] = 2; }, "dataset format version 2, this Apiary reads version 1"},
      {[](nlohmann::json& j) { j["format"] = "npz"; }, "not an Apiary dataset"},
      {[](nlohmann::json& j) { j["byte_order"] = "middle"; }, "records are middle-endian"},
      {[](nlohmann::json& j) { j["record_bytes"] = 12; }, "record_bytes is 12, the layout needs 36"},
      {[](nlohmann::json& j) { j["inputs"] = 7; }, "7 inputs for 2 parameters"},
      {[](nlohmann::json& j) { j["shards"][0]["role"] = "test"; }, "unknown shard role 'test'"},
      {[](nlohmann::json& j) { j["shards"][1]["file"] = "../elsewhere.bin"; },
       "shard file '../elsewhere.bin' must be a file name in the dataset directory"},
      {[](nlohmann::json& j) { j["shards"][2]["records"] = "many"; },
       "key 'shards[2].records': type must be number, but is string"},
      {[](nlohmann::json& j) { j["shards"] = 3; }, "key 'shards': expected an array"},
  };
  for (const auto& [edit, expected] : cases) {
    SCOPED_TRACE(expected);
    write_edited(dir.path(), edit);
    const auto message = error_reading(dir.path());
    EXPECT_THAT(message, HasSubstr("dataset manifest " + file + ": "));
    EXPECT_THAT(message, HasSubstr(expected));
  }
  std::ofstream(dir.path() / kManifestFile) << "{ not json";
  EXPECT_THAT(error_reading(dir.path()), HasSubstr("dataset manifest " + file + ": "));
}

TEST(DatasetManifest, RefusesAStudyOfAnotherShape) {
  TemporaryDirectory dir("study");
  const auto manifest = recorded_manifest();
  const auto error_for = [&](const std::function<void(config::StudyConfig&)>& change) -> std::string {
    auto study = small_study();
    change(study);
    try {
      require_matching_study(manifest, study, dir.path());
    } catch (const ConfigError& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_EQ(error_for([](config::StudyConfig&) {}), "");
  // Ranges, seeds and training settings may change between recording and training.
  EXPECT_EQ(error_for([](config::StudyConfig& s) {
              s.parameters[0].max = 9;
              s.training.batch_size = 3;
            }),
            "");
  EXPECT_THAT(error_for([](config::StudyConfig& s) { s.client.field_size = 5; }),
              HasSubstr("dataset " + (dir.path() / kManifestFile).string() +
                        " was recorded with client.field_size 4, the study has 5"));
  EXPECT_THAT(error_for([](config::StudyConfig& s) { s.client.field = "pressure"; }),
              HasSubstr("client.field temperature, the study has pressure"));
  EXPECT_THAT(error_for([](config::StudyConfig& s) { s.parameters[1].name = "c"; }),
              HasSubstr("parameters [a, b], the study has [a, c]"));
  EXPECT_THAT(error_for([](config::StudyConfig& s) { s.client.time_steps = 6; }),
              HasSubstr("client.time_steps 5, the study has 6"));
}

}  // namespace
}  // namespace apiary::server
