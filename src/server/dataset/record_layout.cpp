#include "server/dataset/record_layout.hpp"

#include <cstring>
#include <string>

#include "common/error.hpp"

namespace apiary::server {

void RecordLayout::encode(const Sample& sample, std::span<std::byte> record) const {
  if (sample.inputs.size() != inputs || sample.field.size() != field_size || record.size() != bytes()) {
    throw Error("sample of simulation " + std::to_string(sample.simulation_id) + ", step " +
                std::to_string(sample.time_step) + " has " + std::to_string(sample.inputs.size()) + " inputs and " +
                std::to_string(sample.field.size()) + " values; the dataset's records hold " + std::to_string(inputs) +
                " and " + std::to_string(field_size));
  }
  std::byte* out = record.data();
  std::memcpy(out, &sample.simulation_id, sizeof(std::uint32_t));
  std::memcpy(out + sizeof(std::uint32_t), &sample.time_step, sizeof(std::uint32_t));
  out += kHeaderBytes;
  std::memcpy(out, sample.inputs.data(), inputs * sizeof(float));
  std::memcpy(out + inputs * sizeof(float), sample.field.data(), field_size * sizeof(float));
}

Sample RecordLayout::decode(std::span<const std::byte> record) const {
  Sample sample;
  const std::byte* in = record.data();
  std::memcpy(&sample.simulation_id, in, sizeof(std::uint32_t));
  std::memcpy(&sample.time_step, in + sizeof(std::uint32_t), sizeof(std::uint32_t));
  in += kHeaderBytes;
  sample.inputs.resize(inputs);
  sample.field.resize(field_size);
  std::memcpy(sample.inputs.data(), in, inputs * sizeof(float));
  std::memcpy(sample.field.data(), in + inputs * sizeof(float), field_size * sizeof(float));
  return sample;
}

}  // namespace apiary::server
