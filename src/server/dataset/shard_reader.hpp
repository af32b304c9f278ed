#pragma once
// Reads the records of one shard through a read-only memory map: any
// record, in any order, with no system call per sample (the page cache
// serves repeated epochs). The file's size is checked against the record
// count the manifest gives, so a truncated or overwritten shard fails at
// open with its name rather than mid-training.
#include <cstdint>
#include <filesystem>

#include "server/dataset/record_layout.hpp"

namespace apiary::server {

class ShardReader {
 public:
  // Throws apiary::Error naming the file when it is missing, unreadable,
  // or not exactly records * layout.bytes() long.
  ShardReader(std::filesystem::path file, RecordLayout layout, std::uint64_t records);
  ~ShardReader();
  ShardReader(const ShardReader&) = delete;
  ShardReader& operator=(const ShardReader&) = delete;

  std::uint64_t records() const { return records_; }
  const std::filesystem::path& file() const { return file_; }

  // Record index (< records()) as a new sample; throws apiary::Error when
  // the index is out of range.
  Sample read(std::uint64_t index) const;

 private:
  std::filesystem::path file_;
  RecordLayout layout_;
  std::uint64_t records_ = 0;
  const std::byte* data_ = nullptr;
  std::size_t mapped_bytes_ = 0;
};

}  // namespace apiary::server
