#pragma once
// The checkpoint files' binary format, versioned and checked:
//
//   "APIARYCK"  magic, 8 bytes
//   u32         format version (kArchiveVersion)
//   text        what the file holds ("rank", "trainer"), as u64 length + bytes
//   ...         the body, written and read in the same order by its owner
//   u64         checksum of every byte before it
//
// Integers and floats are stored as the machine holds them (little endian
// on every platform the server runs on); an array is a u64 count, then its
// elements. The reader checks magic, version, kind and checksum before
// the body is read, and every read against the bytes left, so a corrupt or
// truncated file gives an error naming the file and what is wrong instead
// of a wrong state.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace apiary::server {

inline constexpr std::uint32_t kArchiveVersion = 1;

// A 64-bit hash fed in pieces: FNV-1a over 8-byte words (fast enough for
// hundreds of MB of fields), the last partial word zero-padded.
class ArchiveChecksum {
 public:
  void update(const std::byte* data, std::size_t size);
  std::uint64_t value() const;

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
  std::byte tail_[8] = {};
  std::size_t tail_size_ = 0;
};

class ArchiveWriter {
 public:
  // Creates (truncates) the file and writes the header.
  ArchiveWriter(const std::filesystem::path& file, std::string_view kind);

  void u8(std::uint8_t value) { raw(&value, sizeof(value)); }
  void u32(std::uint32_t value) { raw(&value, sizeof(value)); }
  void u64(std::uint64_t value) { raw(&value, sizeof(value)); }
  void f64(double value) { raw(&value, sizeof(value)); }
  void text(std::string_view value);
  template <class T>
  void array(std::span<const T> values) {
    u64(values.size());
    raw(values.data(), values.size_bytes());
  }

  // Writes the checksum and closes; returns the file's size. Throws
  // apiary::Error naming the file on any write error.
  std::uint64_t finish();

 private:
  void raw(const void* data, std::size_t size);

  std::filesystem::path file_;
  std::ofstream out_;
  ArchiveChecksum checksum_;
  std::uint64_t bytes_ = 0;
};

class ArchiveReader {
 public:
  // Reads the whole file and checks magic, version, kind and checksum.
  ArchiveReader(const std::filesystem::path& file, std::string_view kind);

  std::uint8_t u8() { return scalar<std::uint8_t>("a byte"); }
  std::uint32_t u32() { return scalar<std::uint32_t>("a 32-bit integer"); }
  std::uint64_t u64() { return scalar<std::uint64_t>("a 64-bit integer"); }
  double f64() { return scalar<double>("a float64"); }
  std::string text();
  // An array's count, checked against the bytes left for elements of this size.
  std::size_t count(std::size_t element_size, const char* what);
  void raw(void* out, std::size_t size, const char* what);
  template <class T>
  std::vector<T> array(const char* what) {
    std::vector<T> values(count(sizeof(T), what));
    raw(values.data(), values.size() * sizeof(T), what);
    return values;
  }
  // Throws unless the whole body was read.
  void expect_end();
  // Throws apiary::Error: "checkpoint file FILE: WHAT".
  [[noreturn]] void fail(const std::string& what) const;

 private:
  template <class T>
  T scalar(const char* what) {
    T value;
    raw(&value, sizeof(T), what);
    return value;
  }

  std::filesystem::path file_;
  std::string bytes_;
  std::size_t position_ = 0;
  std::size_t end_ = 0;  // where the checksum starts
};

}  // namespace apiary::server
