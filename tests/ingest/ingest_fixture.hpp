#pragma once
// An Ingest on the two-parameter plan, without sockets: the tests feed it
// encoded messages and look at the samples it hands to its sink.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

#include "apiary/status.h"
#include "ingest/ingest_test_support.hpp"
#include "server/ingest/ingest.hpp"

namespace apiary::server::testing {

class IngestTest : public ::testing::Test {
 protected:
  static IngestOptions options() {
    IngestOptions o;
    o.field = std::string(kField);
    o.field_size = kSize;
    o.time_steps = kSteps;
    o.data_endpoints = {"tcp://node1:5556", "tcp://node2:5557"};
    return o;
  }

  IngestTest()
      : ingest_(options(), two_parameter_plan(),
                [this](SamplePtr sample, plan::Role role) { samples_.emplace_back(std::move(sample), role); }) {
    spdlog::set_level(spdlog::level::err);  // rejections are expected here
  }
  ~IngestTest() override { spdlog::set_level(spdlog::level::info); }

  // Both ranks' slices of one step: rank 0 holds [0, 4), rank 1 [4, 8).
  void send_step(std::uint32_t simulation, std::uint32_t step, float start = 0.0f) {
    ingest_.handle_data(data_message({.simulation = simulation, .step = step, .rank = 0, .offset = 0}, ramp(4, start)));
    ingest_.handle_data(
        data_message({.simulation = simulation, .step = step, .rank = 1, .offset = 4}, ramp(4, start + 2.0f)));
  }

  std::uint64_t rejected(protocol::RejectReason reason) const {
    return ingest_.counters().rejected[static_cast<std::size_t>(reason)].load();
  }

  Ingest ingest_;
  std::vector<std::pair<SamplePtr, plan::Role>> samples_;
};

inline std::vector<std::byte> hello_message(std::uint32_t simulation, std::uint64_t global_size,
                                            std::string_view name = kField, std::uint32_t ranks = 2) {
  protocol::Header h;
  h.type = protocol::MessageType::hello;
  h.simulation_id = simulation;
  h.client_ranks = ranks;
  h.global_size = global_size;
  return protocol::encode(h, name);
}

inline std::vector<std::byte> study_end_message(const std::vector<std::uint32_t>& completed) {
  protocol::Header h;
  h.type = protocol::MessageType::study_end;
  return protocol::encode(h, "", to_bytes(completed));
}

inline std::string payload_text(const protocol::Frame& frame) {
  return {reinterpret_cast<const char*>(frame.payload.data()), frame.payload.size()};
}

}  // namespace apiary::server::testing
