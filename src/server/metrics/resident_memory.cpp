#include "server/metrics/resident_memory.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace apiary::server {

ResidentMemory resident_memory() {
  ResidentMemory memory;
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t kilobytes = 0;
    fields >> key >> kilobytes;
    if (key == "VmRSS:") memory.current_bytes = kilobytes * 1024;
    if (key == "VmHWM:") memory.peak_bytes = kilobytes * 1024;
  }
  return memory;
}

}  // namespace apiary::server
