#include "memcpy_bandwidth.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>

namespace apiary::bench {

MemcpyBandwidth measure_memcpy(std::size_t bytes, int repeats) {
  MemcpyBandwidth result;
  result.bytes = bytes;
  // Written before timing: the first touch of each page (a fault) is not
  // the copy's cost.
  const auto source = std::make_unique_for_overwrite<std::byte[]>(bytes);
  const auto target = std::make_unique_for_overwrite<std::byte[]>(bytes);
  std::memset(source.get(), 1, bytes);
  std::memset(target.get(), 2, bytes);
  for (int n = 0; n < repeats; ++n) {
    const auto start = std::chrono::steady_clock::now();
    std::memcpy(target.get(), source.get(), bytes);
    // The copy is never read: tell the compiler that it may be, or it
    // could drop it.
    asm volatile("" : : "r"(target.get()) : "memory");
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    result.gb_per_s.push_back(static_cast<double>(bytes) / elapsed.count() / 1e9);
  }
  auto sorted = result.gb_per_s;
  std::sort(sorted.begin(), sorted.end());
  result.median_gb_per_s = sorted[sorted.size() / 2];
  return result;
}

}  // namespace apiary::bench
