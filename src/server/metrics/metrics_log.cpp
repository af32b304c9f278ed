#include "server/metrics/metrics_log.hpp"

#include "common/error.hpp"

namespace apiary::server {

MetricsLog::MetricsLog(const std::filesystem::path& file) : out_(file, std::ios::app) {
  if (!out_) throw Error("cannot open the metrics file " + file.string());
}

double MetricsLog::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void MetricsLog::write(const std::string& event, nlohmann::json record) {
  record["event"] = event;
  record["time"] = elapsed_seconds();
  std::lock_guard lock(mutex_);
  out_ << record.dump() << '\n';
  out_.flush();
}

}  // namespace apiary::server
