#include "server/server_summary.hpp"

#include <algorithm>
#include <string>

#include "protocol/frame.hpp"
#include "server/metrics/resident_memory.hpp"
#include "server/metrics/seen_histogram.hpp"

namespace apiary::server {
namespace {

// Non-zero counts by name: {"not_finite": 2, ...}.
template <typename Reason, std::size_t N, typename Name>
nlohmann::json counts_by_name(const std::array<std::atomic<std::uint64_t>, N>& counts, Name name) {
  nlohmann::json json = nlohmann::json::object();
  for (std::size_t r = 0; r < N; ++r) {
    if (const auto n = counts[r].load()) json[std::string(name(static_cast<Reason>(r)))] = n;
  }
  return json;
}

// Objects of counts ("rejections", "connections_refused") summed over the ranks.
constexpr const char* kSummedByName[] = {"rejections", "connections_refused"};

// Training counters that add up over the ranks (the reception's are
// summed by combine_reception_summaries).
constexpr const char* kSummedTraining[] = {"samples_drawn_not_trained", "samples_not_trained_after_training_ended"};

}  // namespace

nlohmann::json reception_summary(const ReceptionOutcome& reception) {
  const IngestCounters& c = reception.ingest;
  return {
      {"time_steps_received", c.time_steps_received.load()},
      {"training_samples_received", c.training_samples.load()},
      {"validation_samples_received", c.validation_samples.load()},
      {"duplicates_dropped", c.duplicates_dropped.load()},
      {"duplicate_slices", c.duplicate_slices.load()},
      {"incomplete_steps_dropped", c.incomplete_steps_dropped.load()},
      {"messages_rejected", c.messages_rejected()},
      {"rejections", counts_by_name<protocol::RejectReason>(c.rejected, protocol::reject_reason_name)},
      {"registrations_refused", c.registrations_refused.load()},
      {"connections_admitted", reception.connections.admitted.load()},
      {"connections_refused", counts_by_name<Refusal>(reception.connections.refused, refusal_name)},
      {"server_failed_simulations", reception.failed_simulations},
      {"messages_received", c.messages.load()},
      {"bytes_received", c.bytes.load()},
  };
}

nlohmann::json combine_reception_summaries(const std::vector<nlohmann::json>& ranks) {
  nlohmann::json total = nlohmann::json::object();
  for (const char* key : kSummedByName) total[key] = nlohmann::json::object();
  std::set<std::uint32_t> failed;
  std::uint64_t peak = 0;
  const IngestCounters no_messages;
  const ConnectionCounters no_connections;
  const auto keys = reception_summary({no_messages, no_connections, failed});  // the keys, all zero
  for (const auto& r : ranks) {
    for (const auto& [key, value] : keys.items()) {
      if (value.is_number_unsigned()) total[key] = total.value(key, std::uint64_t{0}) + r[key].get<std::uint64_t>();
    }
    for (const char* key : kSummedByName) {
      for (const auto& [name, count] : r[key].items())
        total[key][name] = total[key].value(name, std::uint64_t{0}) + count.get<std::uint64_t>();
    }
    for (const auto& id : r["server_failed_simulations"]) failed.insert(id.get<std::uint32_t>());
    peak = std::max(peak, r.value("peak_resident_bytes", std::uint64_t{0}));
  }
  total["server_failed_simulations"] = failed;
  total["peak_resident_bytes_max_rank"] = peak;
  return total;
}

nlohmann::json combine_dataset_counters(const std::vector<nlohmann::json>& ranks, const std::filesystem::path& dir) {
  nlohmann::json total = {
      {"dir", dir.string()}, {"training_records", 0}, {"validation_records", 0}, {"samples_loaded", 0}, {"epochs", 0}};
  for (const auto& r : ranks) {
    const auto& d = r["dataset"];
    for (const char* key : {"training_records", "validation_records", "samples_loaded"})
      total[key] = total[key].get<std::uint64_t>() + d[key].get<std::uint64_t>();
    // Epochs begun by the rank that went furthest (shares differ by a record at most).
    total["epochs"] = std::max(total["epochs"].get<std::uint64_t>(), d["epochs"].get<std::uint64_t>());
  }
  return total;
}

nlohmann::json rank_summary(const RankOutcome& outcome) {
  const auto memory = resident_memory();
  auto summary = reception_summary(outcome.reception);
  summary.update({
      {"rank", outcome.rank},
      {"device", outcome.training.device},
      {"samples_trained_by_rank", outcome.training.local_samples_trained},
      {"samples_drawn_not_trained", outcome.training.samples_drawn_not_trained},
      {"batches", outcome.training.batches},
      {"samples_not_trained_after_training_ended", outcome.samples_refused_after_training},
      {"buffer",
       {{"capacity", outcome.buffer.capacity},
        {"puts", outcome.buffer.puts},
        {"gets", outcome.buffer.gets},
        {"held_at_end", outcome.buffer.size},
        {"seen_histogram", seen_histogram_json(outcome.buffer.seen_histogram)}}},
      {"peak_resident_bytes", memory.peak_bytes},
  });
  return summary;
}

nlohmann::json combine_rank_summaries(const std::vector<nlohmann::json>& ranks, const TrainResult& training,
                                      std::string_view buffer_kind) {
  auto summary = combine_reception_summaries(ranks);
  summary.update({
      {"validation_rel_l2", training.validation.rel_l2},
      {"validation_mse", training.validation.mse},
      {"validation_samples", training.validation.samples},
      {"samples_trained", training.samples_trained},
      {"batches", training.batches},
      {"optimizer_steps", training.optimizer_steps},
      {"training_seconds", training.seconds},
      {"samples_per_second", training.samples_per_second},
      {"server_ranks", ranks.size()},
      {"device", training.device},
  });
  for (const char* key : kSummedTraining) summary[key] = std::uint64_t{0};
  nlohmann::json buffer = {
      {"kind", std::string(buffer_kind)}, {"capacity_per_rank", 0}, {"puts", 0}, {"gets", 0}, {"held_at_end", 0}};
  SeenHistogram histogram;
  std::vector<std::uint64_t> trained_per_rank;
  for (const auto& r : ranks) {
    for (const char* key : kSummedTraining)
      summary[key] = summary[key].get<std::uint64_t>() + r[key].get<std::uint64_t>();
    for (const char* key : {"puts", "gets", "held_at_end"})
      buffer[key] = buffer[key].get<std::uint64_t>() + r["buffer"][key].get<std::uint64_t>();
    buffer["capacity_per_rank"] = r["buffer"]["capacity"];
    add_seen_histogram(histogram, r["buffer"]["seen_histogram"]);
    trained_per_rank.push_back(r["samples_trained_by_rank"].get<std::uint64_t>());
  }
  summary["samples_trained_per_rank"] = trained_per_rank;
  buffer["seen_histogram"] = seen_histogram_json(histogram);
  summary["buffer"] = buffer;
  summary["ranks"] = ranks;
  return summary;
}

}  // namespace apiary::server
