// ServerHandle::add_simulation against a real server rank's sockets: the
// server's reception (StreamReception, as apiary-server runs it) in this
// process, the handle finding it through server.json as it finds a started
// server. After the launcher added a simulation, a client's data of it are
// trained on with the parameters the launcher sent.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "common/error.hpp"
#include "launcher/study/server_handle.hpp"
#include "protocol/frame.hpp"
#include "server/parallel/single_process_communicator.hpp"
#include "server/stream_reception.hpp"

namespace apiary::launcher {
namespace {

using namespace std::chrono_literals;

// The server "job" is this process's StreamReception: always running.
class InProcessScheduler final : public Scheduler {
 public:
  JobId submit(const JobSpec&) override { return 1; }
  JobStatus poll(JobId) override { return {}; }
  void cancel(JobId) override {}
  std::string handle(JobId) const override { return ""; }
};

class LauncherServerHandleAddSimulation : public ::testing::Test {
 protected:
  LauncherServerHandleAddSimulation()
      : dir_(std::filesystem::temp_directory_path() / ("apiary-add-simulation-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
    spdlog::set_level(spdlog::level::err);
    study_.client.field = "temperature";
    study_.client.field_size = 4;
    study_.client.time_steps = 3;
    study_.server.security = config::Security::none;  // keys are security's tests; this one is about the requests
    reception_ = std::make_unique<server::StreamReception>(
        communicator_, study_, plan::StudyPlan{{"a", "b"}, {{0, plan::Role::training, {0.5, 1.0}}}}, dir_,
        [this](server::SamplePtr sample, plan::Role role) {
          std::lock_guard lock(mutex_);
          samples_.emplace_back(std::move(sample), role);
        });
    reception_->start([] { return true; }, [] {});
    handle_.wait_ready(10s);
  }
  ~LauncherServerHandleAddSimulation() override {
    reception_.reset();
    spdlog::set_level(spdlog::level::info);
    std::filesystem::remove_all(dir_);
  }

  // One client rank sends the whole field of one step, as apiary_send does.
  void send_step(std::uint32_t simulation, std::uint32_t step) {
    const auto endpoints = nlohmann::json::parse(std::ifstream(dir_ / "server.json"));
    zmq::socket_t push(context_, zmq::socket_type::push);
    push.set(zmq::sockopt::linger, 5000);
    push.connect(endpoints.at("data").at(0).get<std::string>());
    protocol::Header h;
    h.type = protocol::MessageType::data;
    h.simulation_id = simulation;
    h.time_step = step;
    h.length = h.global_size = 4;
    h.dtype = protocol::DType::float32;
    const std::vector<float> field = {1.0f, 2.0f, 3.0f, 4.0f};
    const auto message = protocol::encode(h, "temperature", std::as_bytes(std::span(field)));
    push.send(zmq::buffer(message), zmq::send_flags::none);
  }

  std::size_t sample_count() {
    std::lock_guard lock(mutex_);
    return samples_.size();
  }

  std::filesystem::path dir_;
  server::SingleProcessCommunicator communicator_;
  config::StudyConfig study_;
  std::mutex mutex_;
  std::vector<std::pair<server::SamplePtr, plan::Role>> samples_;
  std::unique_ptr<server::StreamReception> reception_;
  InProcessScheduler scheduler_;
  ServerHandle handle_{scheduler_, "apiary-server", dir_, 1, {}, std::nullopt};
  zmq::context_t context_;
};

TEST_F(LauncherServerHandleAddSimulation, AddedSimulationIsTrainedOnWithTheLauncherParameters) {
  handle_.add_simulation({61, plan::Role::validation, {2.0, -3.0}}, 10s);
  send_step(61, 2);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (sample_count() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(samples_.size(), 1u);
  EXPECT_EQ(samples_.front().second, plan::Role::validation);
  EXPECT_EQ(samples_.front().first->simulation_id, 61u);
  EXPECT_EQ(samples_.front().first->inputs, (std::vector<float>{2.0f, -3.0f, 2.0f}));
}

TEST_F(LauncherServerHandleAddSimulation, RetryIsAcknowledged) {
  handle_.add_simulation({61, plan::Role::training, {2.0, -3.0}}, 10s);
  EXPECT_NO_THROW(handle_.add_simulation({61, plan::Role::training, {2.0, -3.0}}, 10s));
}

TEST_F(LauncherServerHandleAddSimulation, RefusalNamesTheRankAndTheReason) {
  try {
    handle_.add_simulation({0, plan::Role::training, {0.5, 2.0}}, 10s);
    FAIL() << "a planned id with other parameters was accepted";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(),
                 "server rank 0 refused simulation 0: simulation 0 is already planned with other parameters");
  }
}

TEST_F(LauncherServerHandleAddSimulation, SilentRankIsATimeoutNamingIt) {
  reception_->stop();
  reception_->join();
  reception_.reset();  // closes the sockets: nobody answers
  try {
    handle_.add_simulation({61, plan::Role::training, {2.0, -3.0}}, 1s);
    FAIL() << "no server answered, yet add_simulation returned";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "server rank 0 did not acknowledge simulation 61 within 1 s");
  }
}

}  // namespace
}  // namespace apiary::launcher
