#pragma once
// Where checkpoints live in a run directory, and how one becomes visible
// atomically:
//
//   RUN_DIR/checkpoints/batch-00001000/   a complete checkpoint (meta.json, rank-R.bin, ...)
//   RUN_DIR/checkpoints/batch-00002000.tmp/  one being written
//   RUN_DIR/checkpoints/latest            text: the name of the newest complete one
//
// Every rank writes its files into the .tmp directory; once all have, rank
// 0 writes meta.json, renames the directory, then replaces `latest` (a
// temporary file renamed over it). A crash at any moment leaves `latest`
// naming a complete checkpoint, or absent: readers go by `latest` only and
// never look at .tmp directories.
#include <cstdint>
#include <filesystem>
#include <optional>

namespace apiary::server {

struct CheckpointMeta {
  std::uint64_t batch = 0;  // optimizer steps done when it was taken
  int ranks = 0;            // server ranks that wrote it
  double time = 0.0;        // unix seconds when it was committed
};

std::filesystem::path checkpoints_dir(const std::filesystem::path& run_dir);
// batch-NNNNNNNN.tmp: where the ranks write the checkpoint of this batch.
std::filesystem::path staging_dir(const std::filesystem::path& run_dir, std::uint64_t batch);

// Rank 0, before the ranks write: an empty staging directory (a stale one,
// from a crash while writing the same batch, is removed).
void prepare_staging(const std::filesystem::path& run_dir, std::uint64_t batch);

// Rank 0, once every rank wrote its files: meta.json, the rename, `latest`,
// then removal of every other checkpoint but the previous one. Returns the
// checkpoint's directory.
std::filesystem::path commit_checkpoint(const std::filesystem::path& run_dir, const CheckpointMeta& meta);

// The checkpoint `latest` names, none when there is no `latest`. Throws
// apiary::Error when `latest` names a directory that is missing or whose
// meta.json is unreadable.
std::optional<std::filesystem::path> latest_checkpoint(const std::filesystem::path& run_dir);

// Throws apiary::Error naming the file when meta.json is missing or wrong.
CheckpointMeta read_checkpoint_meta(const std::filesystem::path& checkpoint_dir);

}  // namespace apiary::server
