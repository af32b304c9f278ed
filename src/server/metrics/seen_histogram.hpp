#pragma once
// The seen-count histogram (times served -> samples) as JSON, and its sum
// over the ranks' JSON records, in one place for metrics and summary.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>

namespace apiary::server {

using SeenHistogram = std::map<std::uint32_t, std::uint64_t>;

nlohmann::json seen_histogram_json(const SeenHistogram& histogram);

// Adds a histogram written by seen_histogram_json to total.
void add_seen_histogram(SeenHistogram& total, const nlohmann::json& histogram);

}  // namespace apiary::server
