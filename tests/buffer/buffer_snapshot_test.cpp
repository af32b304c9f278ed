// A buffer restored from a snapshot holds, counts and serves exactly what
// the original would have: the checkpoint's promise for every policy.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "buffer/buffer_test_support.hpp"
#include "common/error.hpp"

namespace apiary::server::testing {
namespace {

struct Case {
  const char* kind;
  std::size_t watermark;
  std::size_t pseudo_epochs;
};

class BufferSnapshot : public ::testing::TestWithParam<Case> {
 protected:
  std::unique_ptr<TrainingBuffer> fresh(std::uint64_t seed) const {
    return make(GetParam().kind, 16, GetParam().watermark, GetParam().pseudo_epochs, seed);
  }
};

// Ids served by batches of 3, with new samples arriving in between (which
// makes the reservoir replace seen samples, a random choice too).
std::vector<std::uint32_t> future_draws(TrainingBuffer& buffer, std::uint32_t first_new_id) {
  std::vector<std::uint32_t> served;
  for (std::uint32_t round = 0; round < 6; ++round) {
    if (buffer.has_room()) buffer.put(make_sample(first_new_id + round, {static_cast<float>(round)}));
    for (const auto id : ids_of(buffer.try_get(3))) served.push_back(id);
  }
  return served;
}

TEST_P(BufferSnapshot, RestoredBufferHoldsCountsAndServesAsTheOriginal) {
  auto original = fresh(11);
  for (std::uint32_t id = 0; id < 16; ++id) ASSERT_TRUE(original->put(make_sample(id, {float(id), 1.0F})));
  for (int batch = 0; batch < 3; ++batch) ASSERT_FALSE(original->try_get(4).empty());
  for (std::uint32_t id = 100; id < 104 && original->has_room(); ++id) original->put(make_sample(id, {float(id)}));

  auto restored = fresh(999);  // another seed: the snapshot's generator must win
  restored->restore(original->snapshot());

  const auto before = original->stats();
  const auto after = restored->stats();
  EXPECT_EQ(after.size, before.size);
  EXPECT_EQ(after.puts, before.puts);
  EXPECT_EQ(after.gets, before.gets);
  EXPECT_EQ(after.evicted, before.evicted);
  EXPECT_EQ(after.seen_histogram, before.seen_histogram);  // seen counts of held and removed samples
  EXPECT_EQ(after.input_mean, before.input_mean);
  EXPECT_EQ(future_draws(*restored, 200), future_draws(*original, 200));
  EXPECT_EQ(restored->stats().seen_histogram, original->stats().seen_histogram);
}

TEST_P(BufferSnapshot, SnapshotOfAnotherKindOrTooLargeIsRefused) {
  auto original = fresh(1);
  for (std::uint32_t id = 0; id < 16; ++id) original->put(make_sample(id));
  auto other = make(std::string(GetParam().kind) == "fifo" ? "firo" : "fifo", 16);
  EXPECT_THROW(other->restore(original->snapshot()), Error);
  auto smaller = make(GetParam().kind, 8);
  EXPECT_THROW(smaller->restore(original->snapshot()), Error);
}

INSTANTIATE_TEST_SUITE_P(Kinds, BufferSnapshot,
                         ::testing::Values(Case{"fifo", 0, 1}, Case{"firo", 4, 2}, Case{"reservoir", 4, 1}),
                         [](const auto& info) { return std::string(info.param.kind); });

}  // namespace
}  // namespace apiary::server::testing
