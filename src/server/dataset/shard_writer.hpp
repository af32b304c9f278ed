#pragma once
// Appends samples to one shard file as fixed-size records, through a large
// buffer written sequentially (one write() per few MB, never one per
// sample). The shard is written as FILE.partial and renamed to FILE by
// finish(), after the data reached the disk: a shard under its final name
// is complete.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "server/dataset/record_layout.hpp"

namespace apiary::server {

class ShardWriter {
 public:
  static constexpr std::size_t kDefaultBufferBytes = 8u << 20;

  // Creates FILE.partial (replacing a leftover one); throws apiary::Error
  // naming the file when it cannot.
  ShardWriter(std::filesystem::path file, RecordLayout layout, std::size_t buffer_bytes = kDefaultBufferBytes);
  // Without finish(), removes the partial file.
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Throws apiary::Error when the sample does not fit the layout or a
  // write fails (the message names the file).
  void append(const Sample& sample);
  // Writes what is buffered, syncs, closes and renames; returns the records.
  std::uint64_t finish();

  std::uint64_t records() const { return records_; }
  const std::filesystem::path& file() const { return file_; }

 private:
  void flush();

  std::filesystem::path file_;
  std::filesystem::path partial_;
  RecordLayout layout_;
  int fd_ = -1;
  std::vector<std::byte> buffer_;
  std::size_t used_ = 0;
  std::uint64_t records_ = 0;
};

}  // namespace apiary::server
