#include "launcher/study/server_handle.hpp"

#include <deque>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <zmq.hpp>

#include "common/error.hpp"
#include "launcher/study/interruption.hpp"
#include "protocol/frame.hpp"
#include "security/curve_sockets.hpp"

namespace apiary::launcher {

std::string tail_of(const std::filesystem::path& file, std::size_t lines) {
  std::ifstream in(file);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string text;
  for (const auto& line : last) text += "  | " + line + "\n";
  return text;
}

ServerHandle::ServerHandle(Scheduler& scheduler, const std::filesystem::path& server_executable,
                           const std::filesystem::path& run_dir, int ranks, JobEnvironment environment,
                           std::optional<security::ClientKeys> keys, const std::vector<std::string>& arguments)
    : scheduler_(scheduler), run_dir_(run_dir), keys_(std::move(keys)) {
  JobSpec spec;
  spec.name = "server";
  spec.role = JobRole::server;
  spec.argv = {server_executable.string(),
               "--study",
               (run_dir / "study.toml").string(),
               "--plan",
               (run_dir / "plan.json").string(),
               "--run-dir",
               run_dir.string()};
  spec.argv.insert(spec.argv.end(), arguments.begin(), arguments.end());
  spec.log = run_dir / "server.log";
  spec.ranks = ranks;
  spec.environment = std::move(environment);
  job_ = scheduler_.submit(spec);
}

void ServerHandle::wait_ready(std::chrono::seconds timeout) {
  // The time limit counts from the start of the server's job: a Slurm job
  // may wait in the queue for any time first.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  const auto file = run_dir_ / "server.json";
  while (!std::filesystem::exists(file)) {
    const auto status = poll();
    if (finished(status)) {
      throw Error("the server exited (code " + std::to_string(status.exit_code) +
                  (status.detail.empty() ? "" : ", " + status.detail) + ") before it was ready:\n" +
                  tail_of(run_dir_ / "server.log", 15));
    }
    if (interruption()) throw Error("interrupted by signal " + std::to_string(interruption()));
    if (status.state == JobState::running && !deadline) deadline = std::chrono::steady_clock::now() + timeout;
    if (deadline && std::chrono::steady_clock::now() > *deadline) {
      throw Error("the server was not ready after " + std::to_string(timeout.count()) + " s:\n" +
                  tail_of(run_dir_ / "server.log", 15));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto endpoints = nlohmann::json::parse(std::ifstream(file));
  control_ = endpoints.at("control").get<std::string>();
  controls_ = endpoints.at("controls").get<std::vector<std::string>>();
}

void ServerHandle::announce_study_end(const std::vector<std::uint32_t>& completed, std::chrono::seconds timeout) {
  protocol::Header header;
  header.type = protocol::MessageType::study_end;
  request_every_rank(protocol::encode(header, "", std::as_bytes(std::span(completed.data(), completed.size()))),
                     "the end of the study", timeout);
}

void ServerHandle::add_simulation(const plan::PlannedSimulation& simulation, std::chrono::seconds timeout) {
  const auto role =
      simulation.role == plan::Role::validation ? protocol::AddedRole::validation : protocol::AddedRole::training;
  request_every_rank(protocol::encode_simulation_added(simulation.id, role, simulation.parameters),
                     "simulation " + std::to_string(simulation.id), timeout);
}

void ServerHandle::request_every_rank(const std::vector<std::byte>& message, const std::string& what,
                                      std::chrono::seconds timeout) {
  zmq::context_t context(1);
  for (std::size_t rank = 0; rank < controls_.size(); ++rank) {
    zmq::socket_t socket(context, zmq::socket_type::req);
    socket.set(zmq::sockopt::linger, 0);
    if (keys_) security::make_curve_client(socket, *keys_);
    socket.connect(controls_[rank]);
    socket.send(zmq::buffer(message), zmq::send_flags::none);
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(timeout)) == 0) {
      throw Error("server rank " + std::to_string(rank) + " did not acknowledge " + what + " within " +
                  std::to_string(timeout.count()) + " s");
    }
    zmq::message_t reply;
    (void)socket.recv(reply);
    const auto decoded = protocol::decode(std::span(static_cast<const std::byte*>(reply.data()), reply.size()));
    if (decoded.frame && decoded.frame->header.type == protocol::MessageType::ack) continue;
    const std::string reason =
        !decoded.frame ? "an invalid reply (" + decoded.detail + ")"
        : decoded.frame->header.type == protocol::MessageType::refused
            ? std::string(reinterpret_cast<const char*>(decoded.frame->payload.data()), decoded.frame->payload.size())
            : "an unexpected reply";
    throw Error("server rank " + std::to_string(rank) + " refused " + what + ": " + reason);
  }
}

}  // namespace apiary::launcher
