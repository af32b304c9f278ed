#include "server/stream_reception.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/host_network.hpp"
#include "security/curve_keys.hpp"
#include "server/bind_address.hpp"

namespace apiary::server {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

ReceiverOptions receiver_options(const config::StudyConfig& study, const plan::StudyPlan& plan,
                                 const std::filesystem::path& run_dir) {
  ReceiverOptions options;
  const auto address = bind_address(study, this_node_network());
  spdlog::info("binding {} ({})", address.address, address.why);
  options.host = address.address;
  options.receive_queue = study.server.receive_queue;
  if (study.server.security == config::Security::curve) {
    options.access.keys = security::read_server_keys(security::key_files_of(run_dir).server);
  } else {
    spdlog::warn("server.security = \"none\": any process that reaches this server's ports may send it data");
  }
  // Each client rank connects to every server rank's data socket, and
  // rank 0 of each client to the control socket; twice that leaves room
  // for the connections of replaced clients that are still closing.
  const auto concurrent = study.study.max_concurrent_clients * static_cast<std::size_t>(study.client.ranks);
  options.access.max_connections =
      study.server.max_connections != 0 ? study.server.max_connections : 2 * concurrent + 32;
  // The largest legitimate message: a whole float64 field, the launcher's
  // list of completed simulations (at most one per planned one: a redrawn
  // simulation completes in place of the one it replaces), or a
  // simulation_added's parameters.
  const auto largest_payload =
      std::max({study.client.field_size * sizeof(double), plan.simulations.size() * sizeof(std::uint32_t),
                plan.parameter_names.size() * sizeof(double)});
  options.max_message_bytes =
      static_cast<std::int64_t>(protocol::kHeaderSize + protocol::kMaxNameLength + largest_payload);
  return options;
}

}  // namespace

StreamReception::StreamReception(Communicator& communicator, const config::StudyConfig& study, plan::StudyPlan plan,
                                 const std::filesystem::path& run_dir, Ingest::SampleSink sink)
    : receiver_(receiver_options(study, plan, run_dir)) {
  // Every rank learns every rank's data endpoint: any rank may answer a
  // registration with the whole list.
  const auto data_endpoints =
      split_lines(communicator.broadcast(join_lines(communicator.gather(receiver_.endpoints().data, 0)), 0));
  const auto control_endpoints = communicator.gather(receiver_.endpoints().control, 0);
  IngestOptions options{
      .field = study.client.field,
      .field_size = study.client.field_size,
      .time_steps = static_cast<std::uint32_t>(study.client.time_steps),
      .data_endpoints = data_endpoints,
      .routing = study.server.bind_simulation ? protocol::Routing::by_simulation : protocol::Routing::round_robin,
      .fail_simulation_on_non_finite = study.server.non_finite == config::NonFinitePolicy::fail_simulation};
  ingest_ = std::make_unique<Ingest>(options, std::move(plan), std::move(sink));
  if (communicator.rank() == 0) {
    write_file_atomically(run_dir / "server.json", nlohmann::json{{"control", control_endpoints.front()},
                                                                  {"controls", control_endpoints},
                                                                  {"data", data_endpoints},
                                                                  {"ranks", communicator.size()},
                                                                  {"host", host_name()},
                                                                  {"pid", ::getpid()}}
                                                       .dump(1));
  }
  spdlog::info("rank {} of {} listening: control {}, data {}", communicator.rank(), communicator.size(),
               receiver_.endpoints().control, receiver_.endpoints().data);
}

StreamReception::~StreamReception() {
  stop();
  join();
}

void StreamReception::start(std::function<bool()> can_accept, std::function<void()> on_finished) {
  receiver_.start(*ingest_, std::move(can_accept), std::move(on_finished));
}

nlohmann::json StreamReception::metrics() const {
  const auto& c = ingest_->counters();
  return {{"messages", c.messages.load()},
          {"bytes", c.bytes.load()},
          {"time_steps_received", c.time_steps_received.load()},
          {"training_samples", c.training_samples.load()},
          {"validation_samples", c.validation_samples.load()},
          {"duplicates_dropped", c.duplicates_dropped.load()},
          {"messages_rejected", c.messages_rejected()},
          {"connections_refused", total_refused(receiver_.connections())},
          {"pending_steps", ingest_->pending_steps()}};
}

}  // namespace apiary::server
