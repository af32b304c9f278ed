#include "server/dataset/shard_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "common/error.hpp"

namespace apiary::server {
namespace {

std::string system_error(const std::string& what, const std::filesystem::path& file) {
  return "cannot " + what + " " + file.string() + ": " + std::strerror(errno);
}

}  // namespace

ShardWriter::ShardWriter(std::filesystem::path file, RecordLayout layout, std::size_t buffer_bytes)
    : file_(std::move(file)), partial_(file_.string() + ".partial"), layout_(layout) {
  if (layout_.bytes() == RecordLayout::kHeaderBytes) throw Error("shard " + file_.string() + ": empty record layout");
  // Whole records only, so that a buffer flush never splits one.
  buffer_.resize(std::max<std::size_t>(1, buffer_bytes / layout_.bytes()) * layout_.bytes());
  fd_ = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(system_error("create", partial_));
}

ShardWriter::~ShardWriter() {
  if (fd_ < 0) return;
  ::close(fd_);
  std::error_code ignored;
  std::filesystem::remove(partial_, ignored);
}

void ShardWriter::append(const Sample& sample) {
  if (fd_ < 0) throw Error("shard " + file_.string() + " is already finished");
  if (buffer_.size() - used_ < layout_.bytes()) flush();
  layout_.encode(sample, std::span(buffer_).subspan(used_, layout_.bytes()));
  used_ += layout_.bytes();
  ++records_;
}

void ShardWriter::flush() {
  std::size_t written = 0;
  while (written < used_) {
    const ssize_t n = ::write(fd_, buffer_.data() + written, used_ - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(system_error("write", partial_));
    written += static_cast<std::size_t>(n);
  }
  used_ = 0;
}

std::uint64_t ShardWriter::finish() {
  if (fd_ < 0) throw Error("shard " + file_.string() + " is already finished");
  flush();
  // The manifest that follows promises complete shards.
  if (::fdatasync(fd_) != 0) throw Error(system_error("sync", partial_));
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) throw Error(system_error("close", partial_));
  std::error_code error;
  std::filesystem::rename(partial_, file_, error);
  if (error) throw Error("cannot rename " + partial_.string() + " to " + file_.string() + ": " + error.message());
  return records_;
}

}  // namespace apiary::server
