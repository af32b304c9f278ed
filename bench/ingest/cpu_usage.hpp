#pragma once
// CPU time and page faults of this process and of its waited-for children
// (the clients): where the cycles of a measurement went, a number that a
// loaded machine disturbs far less than a rate.
#include <nlohmann/json.hpp>

namespace apiary::bench {

struct CpuUsage {
  double seconds = 0.0;  // user + system
  long minor_faults = 0;
};

struct CpuSnapshot {
  CpuUsage self;
  CpuUsage children;
};

CpuSnapshot cpu_snapshot();

// From before to after, as JSON: receiver (this process) and clients.
nlohmann::json cpu_used(const CpuSnapshot& before, const CpuSnapshot& after);

}  // namespace apiary::bench
