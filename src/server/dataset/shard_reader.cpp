#include "server/dataset/shard_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.hpp"

namespace apiary::server {

ShardReader::ShardReader(std::filesystem::path file, RecordLayout layout, std::uint64_t records)
    : file_(std::move(file)), layout_(layout), records_(records) {
  const int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open dataset shard " + file_.string() + ": " + std::strerror(errno));
  struct stat status {};
  if (::fstat(fd, &status) != 0) {
    const int error = errno;
    ::close(fd);
    throw Error("cannot stat dataset shard " + file_.string() + ": " + std::strerror(error));
  }
  const auto expected = records_ * layout_.bytes();
  const auto actual = static_cast<std::uint64_t>(status.st_size);
  if (actual != expected) {
    ::close(fd);
    throw Error("dataset shard " + file_.string() + " is " +
                (actual < expected ? "truncated" : "longer than expected") + ": " + std::to_string(actual) +
                " bytes, the manifest lists " + std::to_string(records_) + " records of " +
                std::to_string(layout_.bytes()) + " bytes (" + std::to_string(expected) + " bytes)");
  }
  if (expected > 0) {
    void* map = ::mmap(nullptr, expected, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      const int error = errno;
      ::close(fd);
      throw Error("cannot map dataset shard " + file_.string() + ": " + std::strerror(error));
    }
    // Epochs visit the records in a new random order each time: no
    // read-ahead pattern to exploit, but the whole shard will be needed.
    ::madvise(map, expected, MADV_RANDOM);
    ::madvise(map, expected, MADV_WILLNEED);
    data_ = static_cast<const std::byte*>(map);
    mapped_bytes_ = expected;
  }
  ::close(fd);  // the mapping keeps the file
}

ShardReader::~ShardReader() {
  if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), mapped_bytes_);
}

Sample ShardReader::read(std::uint64_t index) const {
  if (index >= records_) {
    throw Error("record " + std::to_string(index) + " of dataset shard " + file_.string() + ", which holds " +
                std::to_string(records_));
  }
  return layout_.decode({data_ + index * layout_.bytes(), layout_.bytes()});
}

}  // namespace apiary::server
