#pragma once
// This process's resident memory, from /proc/self/status: what the bounded
// memory of the server is checked against.
#include <cstdint>

namespace apiary::server {

struct ResidentMemory {
  std::uint64_t current_bytes = 0;  // VmRSS
  std::uint64_t peak_bytes = 0;     // VmHWM: the most the process ever held
};

ResidentMemory resident_memory();

}  // namespace apiary::server
