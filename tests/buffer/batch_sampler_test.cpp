#include "server/buffer/batch_sampler.hpp"

#include <gtest/gtest.h>

#include <set>

namespace apiary::server {
namespace {

TEST(BufferBatchSampler, DrawsEverySlotOncePerBatch) {
  BatchSampler sampler;
  std::mt19937_64 rng(1);
  for (int slot = 0; slot < 6; ++slot) {
    sampler.add_slot();
  }
  for (int round = 0; round < 20; ++round) {
    sampler.begin_batch();
    std::set<std::size_t> drawn;
    for (int draw = 0; draw < 6; ++draw) {
      drawn.insert(sampler.draw(rng));
    }
    EXPECT_EQ(drawn, (std::set<std::size_t>{0, 1, 2, 3, 4, 5}));
  }
}

TEST(BufferBatchSampler, RepeatsOnlyOnceEverySlotWasDrawn) {
  BatchSampler sampler;
  std::mt19937_64 rng(2);
  sampler.add_slot();
  sampler.add_slot();
  sampler.begin_batch();
  std::set<std::size_t> first{sampler.draw(rng), sampler.draw(rng)};
  EXPECT_EQ(first.size(), 2u);
  EXPECT_LT(sampler.draw(rng), 2u);  // a third draw from two slots: a repeat, not a hang
}

TEST(BufferBatchSampler, RemovedDrawnSlotFreesItsPlaceInTheBatch) {
  // Slots 0..3; draw one and remove it (as FIRO does after the last serve):
  // the three others must still be drawable, distinct, in the same batch.
  BatchSampler sampler;
  std::mt19937_64 rng(3);
  for (int slot = 0; slot < 4; ++slot) {
    sampler.add_slot();
  }
  sampler.begin_batch();
  sampler.remove_slot(sampler.draw(rng));
  std::set<std::size_t> rest;
  for (int draw = 0; draw < 3; ++draw) {
    rest.insert(sampler.draw(rng));
  }
  EXPECT_EQ(rest, (std::set<std::size_t>{0, 1, 2}));
}

}  // namespace
}  // namespace apiary::server
