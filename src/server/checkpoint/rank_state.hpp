#pragma once
// One server rank's part of a checkpoint (rank-R.bin): its training
// buffer, validation set, field statistics and, online, its Ingest state.
// Saved while the rank's receiver is paused, so that they are consistent:
// every step counted as received is in the buffer or the validation set,
// or was trained or evicted already.
#include <cstdint>
#include <filesystem>

#include "server/buffer/training_buffer.hpp"
#include "server/ingest/ingest.hpp"
#include "server/samples/field_statistics.hpp"
#include "server/samples/validation_set.hpp"

namespace apiary::server {

struct RankState {
  TrainingBuffer& buffer;
  ValidationSet& validation;
  FieldStatistics& statistics;
  Ingest* ingest = nullptr;  // null without reception (tests)
};

std::filesystem::path rank_state_file(const std::filesystem::path& checkpoint_dir, int rank);

// Writes rank_state_file(dir, rank); returns its size in bytes.
std::uint64_t save_rank_state(const std::filesystem::path& checkpoint_dir, int rank, const RankState& state);

// Restores from rank_state_file(dir, rank). Throws apiary::Error naming
// the file when it is missing, corrupt, of another rank, or does not fit
// the components (buffer kind or capacity, field size, ingest presence).
void restore_rank_state(const std::filesystem::path& checkpoint_dir, int rank, const RankState& state);

}  // namespace apiary::server
