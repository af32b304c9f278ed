#include "server/ingest/ingest.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "apiary/status.h"
#include "common/error.hpp"
#include "protocol/welcome.hpp"

namespace apiary::server {

using protocol::Frame;
using protocol::Header;
using protocol::MessageType;
using protocol::RejectReason;

std::uint64_t IngestCounters::messages_rejected() const {
  std::uint64_t total = 0;
  for (const auto& count : rejected) total += count.load();
  return total;
}

Ingest::Ingest(IngestOptions options, plan::StudyPlan plan, SampleSink sink)
    : options_(std::move(options)),
      plan_(std::move(plan)),
      sink_(std::move(sink)),
      reassembler_(options_.field_size, options_.time_steps) {}

void Ingest::count_rejection(RejectReason reason, const std::string& detail) {
  const auto total = ++counters_.rejected[static_cast<std::size_t>(reason)];
  // A flood of bad messages must not flood the log: the first few of each
  // reason are logged, the rest only counted.
  if (total <= 5) {
    spdlog::warn("rejected a message ({}): {}", protocol::reject_reason_name(reason), detail);
  }
}

void Ingest::handle_data(std::span<const std::byte> message) {
  ++counters_.messages;
  counters_.bytes += message.size();
  const auto decoded = protocol::decode(message);
  if (!decoded.frame) return count_rejection(decoded.reason, decoded.detail);
  const Frame& frame = *decoded.frame;
  const Header& h = frame.header;
  if (h.type != MessageType::data && h.type != MessageType::end) {
    return count_rejection(RejectReason::unknown_type, "a control message on the data socket");
  }
  const plan::PlannedSimulation* simulation = plan_.find(h.simulation_id);
  if (simulation == nullptr) {
    return count_rejection(RejectReason::unknown_simulation,
                           "simulation " + std::to_string(h.simulation_id) + " is not in the study plan");
  }
  if (frame.name != options_.field) {
    return count_rejection(RejectReason::unknown_field, "field '" + std::string(frame.name) + "'");
  }
  if (h.type == MessageType::end) return handle_end(frame);
  if (failed_simulations_.contains(h.simulation_id)) {
    return count_rejection(RejectReason::simulation_failed,
                           "simulation " + std::to_string(h.simulation_id) + " was failed for non-finite values");
  }

  switch (reassembler_.add(frame)) {
    case Reassembler::Outcome::partial:
      return;
    case Reassembler::Outcome::duplicate_slice:
      ++counters_.duplicate_slices;
      return;
    case Reassembler::Outcome::duplicate_step:
      ++counters_.duplicates_dropped;
      return;
    case Reassembler::Outcome::rejected:
      count_rejection(reassembler_.reason(), "simulation " + std::to_string(h.simulation_id) + ", step " +
                                                 std::to_string(h.time_step) + ", rank " +
                                                 std::to_string(h.client_rank));
      if (reassembler_.reason() == RejectReason::not_finite && options_.fail_simulation_on_non_finite) {
        fail_simulation(h.simulation_id, h.time_step);
      }
      return;
    case Reassembler::Outcome::complete:
      break;
  }
  auto sample = std::make_shared<Sample>();
  sample->simulation_id = h.simulation_id;
  sample->time_step = h.time_step;
  sample->inputs.assign(simulation->parameters.begin(), simulation->parameters.end());
  sample->inputs.push_back(static_cast<float>(h.time_step));
  sample->field = reassembler_.take_field();
  ++counters_.time_steps_received;
  progress_.completed(h.simulation_id);
  ++(simulation->role == plan::Role::training ? counters_.training_samples : counters_.validation_samples);
  sink_(std::move(sample), simulation->role);
}

void Ingest::fail_simulation(std::uint32_t simulation_id, std::uint32_t time_step) {
  failed_simulations_.insert(simulation_id);
  // Its other partial steps would never be trusted either; the steps it
  // completed before stay (they were finite).
  reassembler_.drop_partial_steps(simulation_id);
  spdlog::warn(
      "simulation {} failed: non-finite values in time step {} (server.non_finite = \"fail_simulation\"); "
      "its further data are rejected",
      simulation_id, time_step);
}

void Ingest::handle_end(const Frame& frame) {
  const Header& h = frame.header;
  // The rank count registered at hello is the authority; an end message
  // cannot shorten it.
  const auto registered = client_ranks_.find(h.simulation_id);
  const std::uint32_t ranks_expected = registered != client_ranks_.end() ? registered->second : h.client_ranks;
  auto& ranks = ended_ranks_[h.simulation_id];
  ranks.insert(h.client_rank);
  if (ranks.size() < ranks_expected) return;
  simulations_ended_.insert(h.simulation_id);
  // Everything the simulation sent has arrived (ZeroMQ keeps the order of
  // each rank's connection): a step still partial never completes, and
  // keeping it would leak its field.
  if (const auto dropped = reassembler_.drop_partial_steps(h.simulation_id)) {
    counters_.incomplete_steps_dropped += dropped;
    spdlog::warn("simulation {} ended with {} incomplete time steps: dropped", h.simulation_id, dropped);
  }
}

std::vector<std::byte> Ingest::handle_hello(const Frame& frame) {
  const Header& h = frame.header;
  auto refuse = [&](apiary_status_t status, const std::string& reason) {
    ++counters_.registrations_refused;
    spdlog::warn("refused registration of simulation {}: {}", h.simulation_id, reason);
    Header reply;
    reply.type = MessageType::refused;
    reply.status = status;
    return protocol::encode(reply, "", protocol::as_bytes(reason));
  };
  if (plan_.find(h.simulation_id) == nullptr) {
    return refuse(APIARY_STATUS_REFUSED, "simulation " + std::to_string(h.simulation_id) + " is not in the study plan");
  }
  if (frame.name != options_.field) {
    return refuse(APIARY_STATUS_REFUSED,
                  "the study trains on field '" + options_.field + "', not '" + std::string(frame.name) + "'");
  }
  if (h.global_size != options_.field_size) {
    return refuse(APIARY_STATUS_SIZE_MISMATCH,
                  "field '" + options_.field + "' has " + std::to_string(options_.field_size) +
                      " values in the study (client.field_size), the client has " + std::to_string(h.global_size));
  }
  client_ranks_[h.simulation_id] = h.client_ranks;
  return protocol::encode_welcome(h.simulation_id, options_.field_size,
                                  {options_.time_steps, options_.routing, options_.data_endpoints});
}

std::vector<std::byte> Ingest::handle_simulation_added(const Frame& frame) {
  const Header& h = frame.header;
  plan::PlannedSimulation simulation{h.simulation_id,
                                     h.offset == static_cast<std::uint64_t>(protocol::AddedRole::validation)
                                         ? plan::Role::validation
                                         : plan::Role::training,
                                     protocol::added_parameters(frame)};
  const auto role = plan::role_name(simulation.role);
  Header reply;
  reply.type = MessageType::ack;
  try {
    if (plan_.add(std::move(simulation))) {
      spdlog::info("launcher: simulation {} added to the plan ({})", h.simulation_id, role);
    }
    return protocol::encode(reply, "");
  } catch (const Error& error) {
    spdlog::warn("refused to add simulation {}: {}", h.simulation_id, error.what());
    reply.type = MessageType::refused;
    reply.status = APIARY_STATUS_REFUSED;
    return protocol::encode(reply, "", protocol::as_bytes(error.what()));
  }
}

std::vector<std::byte> Ingest::handle_control(std::span<const std::byte> message) {
  const auto decoded = protocol::decode(message);
  if (!decoded.frame) {
    count_rejection(decoded.reason, decoded.detail);
    Header reply;
    reply.type = MessageType::refused;
    reply.status =
        decoded.reason == RejectReason::unsupported_version ? APIARY_STATUS_VERSION_MISMATCH : APIARY_STATUS_REFUSED;
    return protocol::encode(reply, "", protocol::as_bytes(decoded.detail));
  }
  const Frame& frame = *decoded.frame;
  if (frame.header.type == MessageType::hello) return handle_hello(frame);
  if (frame.header.type == MessageType::study_end) {
    study_ended_ = true;
    awaited_.resize(frame.payload.size() / sizeof(std::uint32_t));
    if (!awaited_.empty()) std::memcpy(awaited_.data(), frame.payload.data(), frame.payload.size());
    spdlog::info("launcher: study over, {} simulations completed", awaited_.size());
    Header reply;
    reply.type = MessageType::ack;
    return protocol::encode(reply, "");
  }
  if (frame.header.type == MessageType::simulation_added) return handle_simulation_added(frame);
  count_rejection(RejectReason::unknown_type,
                  "message type " + std::to_string(static_cast<int>(frame.header.type)) + " on the control socket");
  Header reply;
  reply.type = MessageType::refused;
  reply.status = APIARY_STATUS_REFUSED;
  return protocol::encode(reply, "", protocol::as_bytes(std::string_view("unexpected message type")));
}

bool Ingest::finished() const {
  return study_ended_ && std::all_of(awaited_.begin(), awaited_.end(),
                                     [&](std::uint32_t id) { return simulations_ended_.contains(id); });
}

}  // namespace apiary::server
