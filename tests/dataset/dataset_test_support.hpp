#pragma once
// Helpers shared by the dataset tests: a fresh directory, samples whose
// values say where they came from, and a small study to match manifests.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "config/study_config.hpp"
#include "server/dataset/record_layout.hpp"

namespace apiary::server::testing {

// Removed with its content when the test ends.
class TemporaryDirectory {
 public:
  explicit TemporaryDirectory(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("apiary-dataset-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TemporaryDirectory() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Two parameters and the time step in, four values out.
inline constexpr RecordLayout kLayout{3, 4};

// Every value derived from (simulation, step), so a round trip is checked
// exactly.
inline Sample make_sample(std::uint32_t simulation, std::uint32_t step) {
  Sample sample;
  sample.simulation_id = simulation;
  sample.time_step = step;
  sample.inputs = {static_cast<float>(simulation) + 0.5F, -1.25F * static_cast<float>(simulation),
                   static_cast<float>(step)};
  for (std::size_t i = 0; i < kLayout.field_size; ++i)
    sample.field.push_back(static_cast<float>(simulation * 1000 + step) + static_cast<float>(i) / 8);
  return sample;
}

// The study whose samples fit kLayout.
inline config::StudyConfig small_study() {
  config::StudyConfig study;
  study.study.name = "small";
  study.client.field = "temperature";
  study.client.field_size = kLayout.field_size;
  study.client.time_steps = 5;
  study.parameters = {{"a", 0.0, 1.0}, {"b", -1.0, 1.0}};
  return study;
}

}  // namespace apiary::server::testing
