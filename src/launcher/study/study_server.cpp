#include "launcher/study/study_server.hpp"

#include <chrono>
#include <thread>

#include "common/elapsed.hpp"

namespace fs = std::filesystem;

namespace apiary::launcher {
namespace {

constexpr auto kReadyTimeout = std::chrono::seconds(120);
constexpr auto kPollPeriod = std::chrono::milliseconds(20);
const std::string kSessionName = "server";

}  // namespace

StudyServer::StudyServer(Scheduler& scheduler, MpiSessions& sessions, const FaultPolicy& policy, ServerLaunch launch)
    : scheduler_(scheduler),
      sessions_(sessions),
      policy_(policy),
      launch_(std::move(launch)),
      log_(launch_.run_dir / "server.log") {}

std::optional<ServerProgress> StudyServer::start(bool from_checkpoint, const std::function<void()>& while_waiting) {
  std::vector<std::string> arguments;
  if (!launch_.record_dataset.empty()) arguments = {"--record-dataset", launch_.record_dataset.string()};
  if (from_checkpoint) arguments.push_back("--resume");
  // A previous server's endpoints must not pass for this one's.
  fs::remove(launch_.run_dir / "server.json");
  started_ = unix_seconds();
  handle_ = std::make_unique<ServerHandle>(scheduler_, launch_.executable, launch_.run_dir, launch_.ranks,
                                           sessions_.environment(kSessionName), launch_.keys, arguments);
  handle_->wait_ready(kReadyTimeout);
  std::optional<ServerProgress> restored;
  if (from_checkpoint) restored = wait_for_every_rank(while_waiting);
  // The heartbeat counts from the server's readiness: while not every rank
  // reports, its silence is measured from here.
  started_ = unix_seconds();
  return restored;
}

ServerProgress StudyServer::progress() const { return read_server_progress(launch_.run_dir, launch_.ranks, started_); }

ServerProgress StudyServer::wait_for_every_rank(const std::function<void()>& while_waiting) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(policy_.settings().server_timeout);
  while (true) {
    auto current = progress();
    if (current.ranks_reporting == launch_.ranks) return current;
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error("the restarted server wrote no progress within fault_tolerance.server_timeout:\n" +
                  tail_of(log_, 15));
    }
    while_waiting();
    std::this_thread::sleep_for(kPollPeriod);
  }
}

void StudyServer::check(const ServerProgress& progress) {
  if (const auto why = policy_.server_loss(handle_->poll(), progress, started_, unix_seconds())) throw ServerLost(*why);
}

void StudyServer::cancel() {
  if (!handle_) return;
  handle_->cancel();
  sessions_.release(kSessionName);
}

std::string StudyServer::job_handle() { return handle_ && !finished(handle_->poll()) ? handle_->handle() : ""; }

}  // namespace apiary::launcher
