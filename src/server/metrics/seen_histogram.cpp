#include "server/metrics/seen_histogram.hpp"

#include <string>

namespace apiary::server {

nlohmann::json seen_histogram_json(const SeenHistogram& histogram) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [seen, count] : histogram) json[std::to_string(seen)] = count;
  return json;
}

void add_seen_histogram(SeenHistogram& total, const nlohmann::json& histogram) {
  for (const auto& [seen, count] : histogram.items()) {
    total[static_cast<std::uint32_t>(std::stoul(seen))] += count.get<std::uint64_t>();
  }
}

}  // namespace apiary::server
