#include "server/checkpoint/rank_state.hpp"

#include <spdlog/fmt/fmt.h>

#include <string>

#include "common/error.hpp"
#include "server/checkpoint/archive.hpp"
#include "server/checkpoint/buffer_archive.hpp"
#include "server/checkpoint/ingest_archive.hpp"

namespace apiary::server {
namespace {

constexpr const char* kKind = "rank";

void write_statistics(ArchiveWriter& out, const FieldStatistics::State& state) {
  out.u8(state.frozen ? 1 : 0);
  out.u64(state.count);
  out.array(std::span<const double>(state.sum));
  out.array(std::span<const double>(state.sum_of_squares));
}

FieldStatistics::State read_statistics(ArchiveReader& in) {
  FieldStatistics::State state;
  state.frozen = in.u8() != 0;
  state.count = in.u64();
  state.sum = in.array<double>("field sums");
  state.sum_of_squares = in.array<double>("field sums of squares");
  return state;
}

}  // namespace

std::filesystem::path rank_state_file(const std::filesystem::path& checkpoint_dir, int rank) {
  return checkpoint_dir / fmt::format("rank-{}.bin", rank);
}

std::uint64_t save_rank_state(const std::filesystem::path& checkpoint_dir, int rank, const RankState& state) {
  ArchiveWriter out(rank_state_file(checkpoint_dir, rank), kKind);
  out.u32(static_cast<std::uint32_t>(rank));
  write_buffer(out, state.buffer.snapshot());
  write_samples(out, state.validation.snapshot());
  write_statistics(out, state.statistics.state());
  out.u8(state.ingest != nullptr ? 1 : 0);
  if (state.ingest != nullptr) write_ingest(out, state.ingest->snapshot());
  return out.finish();
}

void restore_rank_state(const std::filesystem::path& checkpoint_dir, int rank, const RankState& state) {
  ArchiveReader in(rank_state_file(checkpoint_dir, rank), kKind);
  if (const auto saved = in.u32(); saved != static_cast<std::uint32_t>(rank))
    in.fail("holds the state of rank " + std::to_string(saved) + ", not of rank " + std::to_string(rank));
  auto buffer = read_buffer(in);
  auto validation = read_samples(in);
  auto statistics = read_statistics(in);
  const bool has_ingest = in.u8() != 0;
  IngestState ingest;
  if (has_ingest) ingest = read_ingest(in);
  in.expect_end();
  if (has_ingest != (state.ingest != nullptr))
    in.fail(has_ingest ? "holds reception state, which this server does not receive"
                       : "holds no reception state, which this server needs");
  try {
    state.buffer.restore(std::move(buffer));
    state.statistics.restore(std::move(statistics));
  } catch (const Error& error) {
    in.fail(error.what());
  }
  for (auto& sample : validation) state.validation.add(std::move(sample));
  if (state.ingest != nullptr) state.ingest->restore(ingest);
}

}  // namespace apiary::server
