// Shards: what the writer appends, the reader maps back, record for record,
// and a shard that does not match its record count fails with its name.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "common/error.hpp"
#include "dataset/dataset_test_support.hpp"
#include "server/dataset/shard_reader.hpp"
#include "server/dataset/shard_writer.hpp"

namespace apiary::server {
namespace {

using testing::kLayout;
using testing::make_sample;
using testing::TemporaryDirectory;

void expect_same(const Sample& actual, const Sample& expected) {
  EXPECT_EQ(actual.simulation_id, expected.simulation_id);
  EXPECT_EQ(actual.time_step, expected.time_step);
  EXPECT_EQ(actual.inputs, expected.inputs);
  EXPECT_EQ(actual.field, expected.field);
}

std::string message_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no apiary::Error";
  return "";
}

TEST(Shard, RoundTripAcrossManyBufferFlushes) {
  TemporaryDirectory dir("round-trip");
  const auto file = dir.path() / "training-rank0000.bin";
  // A buffer of three records: 100 records take many flushes, the last partial.
  ShardWriter writer(file, kLayout, 3 * kLayout.bytes());
  for (std::uint32_t i = 0; i < 100; ++i) writer.append(make_sample(i / 10, i % 10));
  EXPECT_EQ(writer.finish(), 100u);
  EXPECT_EQ(std::filesystem::file_size(file), 100 * kLayout.bytes());

  const ShardReader reader(file, kLayout, 100);
  ASSERT_EQ(reader.records(), 100u);
  for (std::uint32_t i : {0u, 1u, 2u, 3u, 57u, 99u}) expect_same(reader.read(i), make_sample(i / 10, i % 10));
  EXPECT_THROW((void)reader.read(100), Error);
}

TEST(Shard, IsOnlyUnderItsNameOnceFinished) {
  TemporaryDirectory dir("partial");
  const auto file = dir.path() / "shard.bin";
  {
    ShardWriter writer(file, kLayout);
    writer.append(make_sample(1, 2));
    EXPECT_FALSE(std::filesystem::exists(file));
    EXPECT_TRUE(std::filesystem::exists(file.string() + ".partial"));
  }
  // Abandoned without finish(): nothing is left behind.
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".partial"));
}

TEST(Shard, AnEmptyShardReadsAsNoRecords) {
  TemporaryDirectory dir("empty");
  ShardWriter writer(dir.path() / "empty.bin", kLayout);
  EXPECT_EQ(writer.finish(), 0u);
  const ShardReader reader(dir.path() / "empty.bin", kLayout, 0);
  EXPECT_EQ(reader.records(), 0u);
}

TEST(Shard, RefusesASampleOfAnotherShape) {
  TemporaryDirectory dir("shape");
  ShardWriter writer(dir.path() / "shard.bin", kLayout);
  auto sample = make_sample(1, 2);
  sample.field.pop_back();
  EXPECT_NE(
      message_of([&] { writer.append(sample); }).find("has 3 inputs and 3 values; the dataset's records hold 3 and 4"),
      std::string::npos);
}

TEST(Shard, ATruncatedShardIsNamedWithWhatIsMissing) {
  TemporaryDirectory dir("truncated");
  const auto file = dir.path() / "training-rank0000.bin";
  ShardWriter writer(file, kLayout);
  for (std::uint32_t i = 0; i < 10; ++i) writer.append(make_sample(0, i));
  writer.finish();
  std::filesystem::resize_file(file, 10 * kLayout.bytes() - 5);
  const auto message = message_of([&] { ShardReader(file, kLayout, 10); });
  EXPECT_NE(message.find("dataset shard " + file.string() + " is truncated"), std::string::npos) << message;
  EXPECT_NE(message.find("the manifest lists 10 records of " + std::to_string(kLayout.bytes()) + " bytes"),
            std::string::npos)
      << message;
}

TEST(Shard, ALongerShardAndAMissingOneAreErrorsToo) {
  TemporaryDirectory dir("longer");
  const auto file = dir.path() / "shard.bin";
  std::ofstream(file) << std::string(kLayout.bytes() * 2 + 1, 'x');
  EXPECT_NE(message_of([&] { ShardReader(file, kLayout, 2); }).find("is longer than expected"), std::string::npos);
  EXPECT_NE(message_of([&] {
              ShardReader(dir.path() / "missing.bin", kLayout, 2);
            }).find("cannot open dataset shard " + (dir.path() / "missing.bin").string()),
            std::string::npos);
}

}  // namespace
}  // namespace apiary::server
