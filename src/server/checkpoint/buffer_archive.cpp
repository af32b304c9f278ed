#include "server/checkpoint/buffer_archive.hpp"

#include <memory>

namespace apiary::server {

void write_sample(ArchiveWriter& out, const Sample& sample) {
  out.u32(sample.simulation_id);
  out.u32(sample.time_step);
  out.array(std::span<const float>(sample.inputs));
  out.array(std::span<const float>(sample.field.data(), sample.field.size()));
}

SamplePtr read_sample(ArchiveReader& in) {
  auto sample = std::make_shared<Sample>();
  sample->simulation_id = in.u32();
  sample->time_step = in.u32();
  sample->inputs = in.array<float>("a sample's inputs");
  sample->field.resize(in.count(sizeof(float), "a sample's field"));
  in.raw(sample->field.data(), sample->field.size() * sizeof(float), "a sample's field");
  return sample;
}

void write_samples(ArchiveWriter& out, const std::vector<SamplePtr>& samples) {
  out.u64(samples.size());
  for (const auto& sample : samples) write_sample(out, *sample);
}

std::vector<SamplePtr> read_samples(ArchiveReader& in) {
  // Each sample takes at least its two ids and two counts.
  std::vector<SamplePtr> samples(in.count(24, "samples"));
  for (auto& sample : samples) sample = read_sample(in);
  return samples;
}

void write_buffer(ArchiveWriter& out, const BufferSnapshot& snapshot) {
  out.text(std::string(config::name_of(snapshot.kind)));
  out.u64(snapshot.puts);
  out.u64(snapshot.gets);
  out.u64(snapshot.evicted);
  out.u64(snapshot.removed_histogram.size());
  for (const auto& [seen, samples] : snapshot.removed_histogram) {
    out.u32(seen);
    out.u64(samples);
  }
  out.text(snapshot.rng);
  out.array(std::span<const std::uint64_t>(snapshot.policy));
  out.u64(snapshot.entries.size());
  for (const auto& entry : snapshot.entries) {
    out.u32(entry.seen);
    write_sample(out, *entry.sample);
  }
}

BufferSnapshot read_buffer(ArchiveReader& in) {
  BufferSnapshot snapshot;
  const std::string kind = in.text();
  const auto known = config::option_named<config::BufferKind>(kind);
  if (!known) in.fail("unknown buffer kind '" + kind + "'");
  snapshot.kind = *known;
  snapshot.puts = in.u64();
  snapshot.gets = in.u64();
  snapshot.evicted = in.u64();
  for (auto n = in.count(12, "the seen histogram"); n > 0; --n) {
    const auto seen = in.u32();
    snapshot.removed_histogram[seen] = in.u64();
  }
  snapshot.rng = in.text();
  snapshot.policy = in.array<std::uint64_t>("the buffer policy's state");
  snapshot.entries.resize(in.count(28, "buffer entries"));
  for (auto& entry : snapshot.entries) {
    entry.seen = in.u32();
    entry.sample = read_sample(in);
  }
  return snapshot;
}

}  // namespace apiary::server
