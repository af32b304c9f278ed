#include "server/buffer/batch_sampler.hpp"

#include "common/error.hpp"

namespace apiary::server {

void BatchSampler::remove_slot(std::size_t index) {
  if (stamps_[index] == batch_) {
    --drawn_;
  }
  stamps_[index] = stamps_.back();
  stamps_.pop_back();
}

void BatchSampler::begin_batch() {
  ++batch_;
  drawn_ = 0;
}

std::size_t BatchSampler::draw(std::mt19937_64& rng) {
  if (drawn_ >= stamps_.size()) {
    begin_batch();
  }
  // Rejection sampling: while at most half the slots are drawn a draw costs
  // under two tries; drawing every slot of n costs O(n log n) in all, which
  // keeps slots fixed in place (the reservoir's seen index depends on it).
  std::uniform_int_distribution<std::size_t> pick(0, stamps_.size() - 1);
  for (;;) {
    const std::size_t index = pick(rng);
    if (stamps_[index] != batch_) {
      stamps_[index] = batch_;
      ++drawn_;
      return index;
    }
  }
}

std::vector<std::uint64_t> BatchSampler::save() const {
  std::vector<std::uint64_t> words{batch_, drawn_};
  words.insert(words.end(), stamps_.begin(), stamps_.end());
  return words;
}

std::size_t BatchSampler::restore(std::span<const std::uint64_t> words, std::size_t slots) {
  const std::size_t used = 2 + slots;
  if (words.size() < used)
    throw Error("batch sampler state: " + std::to_string(words.size()) + " words for " + std::to_string(slots) +
                " slots");
  batch_ = words[0];
  drawn_ = static_cast<std::size_t>(words[1]);
  stamps_.assign(words.begin() + 2, words.begin() + static_cast<long>(used));
  return used;
}

}  // namespace apiary::server
