#include "server/checkpoint/archive.hpp"

#include <cstring>
#include <iterator>

#include "common/error.hpp"

namespace apiary::server {
namespace {

constexpr char kMagic[8] = {'A', 'P', 'I', 'A', 'R', 'Y', 'C', 'K'};
constexpr std::uint64_t kPrime = 0x100000001b3ULL;

}  // namespace

void ArchiveChecksum::update(const std::byte* data, std::size_t size) {
  while (size > 0 && tail_size_ > 0) {
    tail_[tail_size_++] = *data++;
    --size;
    if (tail_size_ == sizeof(tail_)) {
      std::uint64_t word;
      std::memcpy(&word, tail_, sizeof(word));
      hash_ = (hash_ ^ word) * kPrime;
      tail_size_ = 0;
    }
  }
  for (; size >= sizeof(std::uint64_t); data += sizeof(std::uint64_t), size -= sizeof(std::uint64_t)) {
    std::uint64_t word;
    std::memcpy(&word, data, sizeof(word));
    hash_ = (hash_ ^ word) * kPrime;
  }
  if (size == 0) return;  // data may be null then, which memcpy does not allow
  std::memcpy(tail_ + tail_size_, data, size);
  tail_size_ += size;
}

std::uint64_t ArchiveChecksum::value() const {
  if (tail_size_ == 0) return hash_;
  std::uint64_t word = 0;
  std::memcpy(&word, tail_, tail_size_);
  return (hash_ ^ word ^ tail_size_) * kPrime;
}

ArchiveWriter::ArchiveWriter(const std::filesystem::path& file, std::string_view kind)
    : file_(file), out_(file, std::ios::binary | std::ios::trunc) {
  if (!out_) throw Error("cannot create checkpoint file " + file.string());
  raw(kMagic, sizeof(kMagic));
  u32(kArchiveVersion);
  text(kind);
}

void ArchiveWriter::text(std::string_view value) {
  u64(value.size());
  raw(value.data(), value.size());
}

void ArchiveWriter::raw(const void* data, std::size_t size) {
  checksum_.update(static_cast<const std::byte*>(data), size);
  out_.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  bytes_ += size;
}

std::uint64_t ArchiveWriter::finish() {
  const std::uint64_t checksum = checksum_.value();
  out_.write(reinterpret_cast<const char*>(&checksum), sizeof(checksum));
  out_.close();
  if (!out_) throw Error("cannot write checkpoint file " + file_.string());
  return bytes_ + sizeof(checksum);
}

ArchiveReader::ArchiveReader(const std::filesystem::path& file, std::string_view kind) : file_(file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error("cannot open checkpoint file " + file.string());
  bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  constexpr std::size_t kSmallest = sizeof(kMagic) + sizeof(std::uint32_t) + sizeof(std::uint64_t) * 2;
  if (bytes_.size() < kSmallest || std::memcmp(bytes_.data(), kMagic, sizeof(kMagic)) != 0)
    fail("not an Apiary checkpoint file (no APIARYCK header)");
  end_ = bytes_.size() - sizeof(std::uint64_t);
  position_ = sizeof(kMagic);
  if (const auto version = u32(); version != kArchiveVersion)
    fail("format version " + std::to_string(version) + ", this server reads version " +
         std::to_string(kArchiveVersion));
  std::uint64_t stored;
  std::memcpy(&stored, bytes_.data() + end_, sizeof(stored));
  ArchiveChecksum checksum;
  checksum.update(reinterpret_cast<const std::byte*>(bytes_.data()), end_);
  if (checksum.value() != stored) fail("checksum mismatch: the file is corrupt or truncated");
  if (const auto found = text(); found != kind)
    fail("holds '" + found + "' state where '" + std::string(kind) + "' state was expected");
}

std::string ArchiveReader::text() {
  std::string value(count(1, "a text"), '\0');
  raw(value.data(), value.size(), "a text");
  return value;
}

std::size_t ArchiveReader::count(std::size_t element_size, const char* what) {
  const auto n = u64();
  if (element_size > 0 && n > (end_ - position_) / element_size)
    fail("truncated: " + std::to_string(n) + " elements of " + what + " announced, fewer bytes left");
  return static_cast<std::size_t>(n);
}

void ArchiveReader::raw(void* out, std::size_t size, const char* what) {
  if (size > end_ - position_)
    fail(std::string("truncated while reading ") + what + " at byte " + std::to_string(position_));
  if (size > 0) std::memcpy(out, bytes_.data() + position_, size);
  position_ += size;
}

void ArchiveReader::expect_end() {
  if (position_ != end_) fail(std::to_string(end_ - position_) + " unexpected bytes after the state");
}

void ArchiveReader::fail(const std::string& what) const {
  throw Error("checkpoint file " + file_.string() + ": " + what);
}

}  // namespace apiary::server
