#include "server/server_summary.hpp"

#include <algorithm>
#include <string>

#include "protocol/frame.hpp"
#include "server/metrics/resident_memory.hpp"
#include "server/metrics/seen_histogram.hpp"

namespace apiary::server {
namespace {

nlohmann::json rejections_by_reason(const IngestCounters& counters) {
  nlohmann::json json = nlohmann::json::object();
  for (int r = 0; r < protocol::kRejectReasonCount; ++r) {
    if (const auto n = counters.rejected[static_cast<std::size_t>(r)].load()) {
      json[std::string(protocol::reject_reason_name(static_cast<protocol::RejectReason>(r)))] = n;
    }
  }
  return json;
}

// Training counters that add up over the ranks (the reception's are
// summed by combine_reception_summaries).
constexpr const char* kSummedTraining[] = {"samples_drawn_not_trained", "samples_not_trained_after_training_ended"};

}  // namespace

nlohmann::json reception_summary(const IngestCounters& c) {
  return {
      {"time_steps_received", c.time_steps_received.load()},
      {"training_samples_received", c.training_samples.load()},
      {"validation_samples_received", c.validation_samples.load()},
      {"duplicates_dropped", c.duplicates_dropped.load()},
      {"duplicate_slices", c.duplicate_slices.load()},
      {"incomplete_steps_dropped", c.incomplete_steps_dropped.load()},
      {"messages_rejected", c.messages_rejected()},
      {"rejections", rejections_by_reason(c)},
      {"registrations_refused", c.registrations_refused.load()},
      {"messages_received", c.messages.load()},
      {"bytes_received", c.bytes.load()},
  };
}

nlohmann::json combine_reception_summaries(const std::vector<nlohmann::json>& ranks) {
  nlohmann::json total = nlohmann::json::object();
  nlohmann::json rejections = nlohmann::json::object();
  std::uint64_t peak = 0;
  const auto counters = reception_summary(IngestCounters{});  // the keys, all zero
  for (const auto& r : ranks) {
    for (const auto& [key, value] : counters.items()) {
      if (value.is_number_unsigned()) total[key] = total.value(key, std::uint64_t{0}) + r[key].get<std::uint64_t>();
    }
    for (const auto& [reason, count] : r["rejections"].items())
      rejections[reason] = rejections.value(reason, std::uint64_t{0}) + count.get<std::uint64_t>();
    peak = std::max(peak, r.value("peak_resident_bytes", std::uint64_t{0}));
  }
  total["rejections"] = rejections;
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
                                      const std::string& buffer_kind) {
  auto summary = combine_reception_summaries(ranks);
  summary.update({
      {"validation_rel_l2", training.validation.rel_l2},
      {"validation_mse", training.validation.mse},
      {"validation_samples", training.validation.samples},
      {"samples_trained", training.samples_trained},
      {"batches", training.batches},
      {"training_seconds", training.seconds},
      {"samples_per_second", training.samples_per_second},
      {"server_ranks", ranks.size()},
      {"device", training.device},
  });
  for (const char* key : kSummedTraining) summary[key] = std::uint64_t{0};
  nlohmann::json buffer = {
      {"kind", buffer_kind}, {"capacity_per_rank", 0}, {"puts", 0}, {"gets", 0}, {"held_at_end", 0}};
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
