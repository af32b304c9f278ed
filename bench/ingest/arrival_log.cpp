#include "arrival_log.hpp"

#include <algorithm>
#include <string>

#include "common/elapsed.hpp"
#include "common/error.hpp"

namespace apiary::bench {
namespace {

// A stream bounded by time rather than steps announces a generous
// maximum: beyond this many entries (16 MB), the log grows as it goes.
constexpr std::size_t kMaxReserved = std::size_t{1} << 20;

}  // namespace

ArrivalLog::ArrivalLog(std::size_t clients, std::size_t expected) : clients_(clients), heard_(clients, false) {
  arrivals_.reserve(std::min(expected, kMaxReserved));
}

void ArrivalLog::record(std::uint32_t client) {
  arrivals_.push_back({client, Clock::now()});
  if (client < clients_ && !heard_[client]) {
    heard_[client] = true;
    ++clients_heard_;
  }
}

ArrivalSummary ArrivalLog::summarize(std::optional<Clock::time_point> stopped) const {
  ArrivalSummary summary;
  summary.messages = arrivals_.size();
  std::vector<Clock::time_point> first(clients_, Clock::time_point::max());
  std::vector<Clock::time_point> last(clients_, Clock::time_point::min());
  for (const auto& [client, time] : arrivals_) {
    if (client >= clients_) throw Error("a message from client " + std::to_string(client) + ", not one of ours");
    first[client] = std::min(first[client], time);
    last[client] = std::max(last[client], time);
  }
  for (std::size_t client = 0; client < clients_; ++client) {
    if (first[client] == Clock::time_point::max()) {
      throw Error("no data from client " + std::to_string(client));
    }
  }
  const auto whole_start = arrivals_.front().time, whole_end = arrivals_.back().time;
  const auto steady_start = *std::max_element(first.begin(), first.end());
  const auto steady_end = stopped.value_or(*std::min_element(last.begin(), last.end()));
  summary.last = whole_end;
  summary.start_spread_s = seconds_between(*std::min_element(first.begin(), first.end()), steady_start);
  summary.whole = {seconds_between(whole_start, whole_end), arrivals_.size() - 1};
  // Empty when a client ended, or all were stopped, before the last one started.
  if (steady_start < steady_end) {
    const auto inside = std::count_if(arrivals_.begin(), arrivals_.end(), [&](const Arrival& arrival) {
      return arrival.time > steady_start && arrival.time <= steady_end;
    });
    summary.steady = {seconds_between(steady_start, steady_end), static_cast<std::size_t>(inside)};
  }
  return summary;
}

}  // namespace apiary::bench
