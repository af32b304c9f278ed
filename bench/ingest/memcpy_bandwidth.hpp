#pragma once
// The machine's limit for moving bytes in memory: what one thread copies
// per second with memcpy between buffers larger than the caches. Every
// receive path copies each message at least once (kernel to ZeroMQ), so
// no ingest can go faster.
#include <cstddef>
#include <vector>

namespace apiary::bench {

struct MemcpyBandwidth {
  std::size_t bytes = 0;         // copied by each repeat
  std::vector<double> gb_per_s;  // each repeat, 1e9 bytes copied per second
  double median_gb_per_s = 0.0;
};

MemcpyBandwidth measure_memcpy(std::size_t bytes, int repeats);

}  // namespace apiary::bench
