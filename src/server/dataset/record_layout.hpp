#pragma once
// One sample as a fixed-size record of a dataset shard, so that record i
// sits at byte i * bytes() and a shard is read without an index:
//   uint32 simulation_id, uint32 time_step,
//   float32 inputs[inputs] (the parameters, then the time-step index),
//   float32 field[field_size],
// in the machine's byte order (the manifest records it).
#include <cstddef>
#include <cstdint>
#include <span>

#include "server/samples/sample.hpp"

namespace apiary::server {

struct RecordLayout {
  std::size_t inputs = 0;      // parameters + 1 (the time-step index)
  std::size_t field_size = 0;  // values of the field

  std::size_t bytes() const { return kHeaderBytes + (inputs + field_size) * sizeof(float); }

  // Writes sample into record (bytes() long); throws apiary::Error when the
  // sample's sizes do not match the layout.
  void encode(const Sample& sample, std::span<std::byte> record) const;
  // Reads a record (bytes() long) back into a sample.
  Sample decode(std::span<const std::byte> record) const;

  bool operator==(const RecordLayout&) const = default;

  static constexpr std::size_t kHeaderBytes = 2 * sizeof(std::uint32_t);
};

}  // namespace apiary::server
