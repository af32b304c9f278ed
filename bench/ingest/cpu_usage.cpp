#include "cpu_usage.hpp"

#include <sys/resource.h>

namespace apiary::bench {
namespace {

CpuUsage usage_of(int who) {
  rusage usage{};
  getrusage(who, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_minflt};
}

nlohmann::json difference(const CpuUsage& before, const CpuUsage& after) {
  return {{"cpu_seconds", after.seconds - before.seconds}, {"minor_faults", after.minor_faults - before.minor_faults}};
}

}  // namespace

CpuSnapshot cpu_snapshot() { return {usage_of(RUSAGE_SELF), usage_of(RUSAGE_CHILDREN)}; }

nlohmann::json cpu_used(const CpuSnapshot& before, const CpuSnapshot& after) {
  return {{"receiver", difference(before.self, after.self)}, {"clients", difference(before.children, after.children)}};
}

}  // namespace apiary::bench
