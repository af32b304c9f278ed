#pragma once
// Uniform random draws of slot indices that do not repeat a slot within one
// batch, for the random-out policies (FIRO, reservoir).
//
// The sampler keeps one stamp per slot: the number of the batch in which the
// slot was last drawn. Its owner mirrors every append and swap-remove of its
// own slot vector here, so that stamps stay with their samples.
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace apiary::server {

class BatchSampler {
 public:
  // A new slot at the end, not drawn in the current batch.
  void add_slot() { stamps_.push_back(0); }

  // Mirrors the owner's swap-remove: the last slot moves to index.
  void remove_slot(std::size_t index);

  // Starts a batch: every slot may be drawn again.
  void begin_batch();

  // A random slot not yet drawn in this batch; once every slot has been
  // drawn, slots repeat (a batch larger than the distinct samples held).
  // Requires at least one slot.
  std::size_t draw(std::mt19937_64& rng);

  // The sampler's whole state as words (for checkpoints): restoring it into
  // a sampler of the same slots makes it draw what the original would.
  std::vector<std::uint64_t> save() const;
  // Reads the state of `slots` slots from the front of words; returns how
  // many words it used. Throws apiary::Error when words are too few.
  std::size_t restore(std::span<const std::uint64_t> words, std::size_t slots);

 private:
  // Batch numbers start at 1, so a fresh slot's stamp 0 never matches.
  std::uint64_t batch_ = 1;
  std::size_t drawn_ = 0;  // slots held that carry the current batch's stamp
  std::vector<std::uint64_t> stamps_;
};

}  // namespace apiary::server
