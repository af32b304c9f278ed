// A rank's part of a checkpoint round-trips (buffer, validation set, field
// statistics), and a damaged file gives an error naming it and the fault.
#include "server/checkpoint/rank_state.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "checkpoint/checkpoint_test_support.hpp"
#include "common/error.hpp"

namespace apiary::server::testing {
namespace {

namespace fs = std::filesystem;
using RankStateFile = TemporaryDirectoryTest;

constexpr std::size_t kField = 5;

SamplePtr sample(std::uint32_t simulation, std::uint32_t step) {
  auto s = std::make_shared<Sample>();
  s->simulation_id = simulation;
  s->time_step = step;
  s->inputs = {0.5F * static_cast<float>(simulation), static_cast<float>(step)};
  s->field.resize(kField);
  for (std::size_t i = 0; i < kField; ++i) s->field[i] = static_cast<float>(simulation * 100 + step * 10 + i);
  return s;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> ids_and_steps(const std::vector<SamplePtr>& samples) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ids;
  for (const auto& s : samples) ids.emplace_back(s->simulation_id, s->time_step);
  return ids;
}

struct Components {
  std::unique_ptr<TrainingBuffer> buffer =
      make_buffer({.kind = config::BufferKind::reservoir, .capacity = 8, .watermark = 2, .seed = 3});
  ValidationSet validation;
  FieldStatistics statistics{kField};
  RankState state() { return {*buffer, validation, statistics, nullptr}; }
};

// The error thrown by restoring dir's rank 0 into fresh components.
std::string restore_error(const fs::path& dir) {
  Components restored;
  try {
    restore_rank_state(dir, 0, restored.state());
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

class RankStateSaved : public RankStateFile {
 protected:
  RankStateSaved() {
    for (std::uint32_t step = 0; step < 6; ++step) {
      saved_.buffer->put(sample(1, step));
      saved_.statistics.add(*sample(1, step));
    }
    saved_.buffer->try_get(3);
    saved_.validation.add(sample(2, 0));
    bytes_ = save_rank_state(dir_, 0, saved_.state());
  }
  void corrupt(std::size_t offset) {
    std::fstream file(rank_state_file(dir_, 0), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(offset));
    file.put('\x7f');
  }
  Components saved_;
  std::uint64_t bytes_ = 0;
};

TEST_F(RankStateSaved, RoundTrips) {
  EXPECT_EQ(bytes_, fs::file_size(rank_state_file(dir_, 0)));
  Components restored;
  restore_rank_state(dir_, 0, restored.state());
  EXPECT_EQ(restored.buffer->stats().seen_histogram, saved_.buffer->stats().seen_histogram);
  EXPECT_EQ(restored.buffer->stats().puts, 6u);
  EXPECT_EQ(ids_and_steps(restored.buffer->try_get(4)), ids_and_steps(saved_.buffer->try_get(4)));
  const auto validation = restored.validation.snapshot();
  ASSERT_EQ(validation.size(), 1u);
  const auto expected = sample(2, 0);
  EXPECT_EQ(std::vector<float>(validation[0]->field.begin(), validation[0]->field.end()),
            std::vector<float>(expected->field.begin(), expected->field.end()));
  EXPECT_EQ(restored.statistics.freeze(), saved_.statistics.freeze());
  EXPECT_EQ(restored.statistics.count(), 6u);
}

TEST_F(RankStateSaved, FlippedByteIsAChecksumError) {
  corrupt(100);
  const auto error = restore_error(dir_);
  EXPECT_NE(error.find(rank_state_file(dir_, 0).string()), std::string::npos) << error;
  EXPECT_NE(error.find("checksum"), std::string::npos) << error;
}

TEST_F(RankStateSaved, TruncatedFileIsAnError) {
  fs::resize_file(rank_state_file(dir_, 0), bytes_ / 2);
  EXPECT_NE(restore_error(dir_).find("checksum"), std::string::npos);
}

TEST_F(RankStateSaved, ForeignFileIsNotACheckpoint) {
  corrupt(0);
  EXPECT_NE(restore_error(dir_).find("not an Apiary checkpoint"), std::string::npos);
}

TEST_F(RankStateSaved, MissingFileIsAnError) {
  fs::remove(rank_state_file(dir_, 0));
  EXPECT_NE(restore_error(dir_).find("cannot open"), std::string::npos);
}

TEST_F(RankStateSaved, AnotherRanksFileIsRefused) {
  fs::rename(rank_state_file(dir_, 0), rank_state_file(dir_, 1));
  Components restored;
  EXPECT_THROW(restore_rank_state(dir_, 1, restored.state()), Error);
}

}  // namespace
}  // namespace apiary::server::testing
