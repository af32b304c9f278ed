#pragma once
// One server rank's reception of the clients' streams: binds the rank's
// sockets, shares every rank's data endpoint with the others (any rank may
// answer a registration with the whole list), publishes server.json (rank
// 0) for the launcher, and runs the receiver thread, which hands every
// accepted sample (validated, reassembled, deduplicated) to the sink.
// Online training sinks into the training buffer; `apiary offline`
// records into a dataset.
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "config/study_config.hpp"
#include "plan/study_plan.hpp"
#include "server/ingest/ingest.hpp"
#include "server/ingest/receiver.hpp"
#include "server/parallel/communicator.hpp"
#include "server/server_summary.hpp"

namespace apiary::server {

class StreamReception {
 public:
  // Collective: every rank constructs it at the same point.
  StreamReception(Communicator& communicator, const config::StudyConfig& study, plan::StudyPlan plan,
                  const std::filesystem::path& run_dir, Ingest::SampleSink sink);
  // Stops and joins the receiver thread before ingest_, which it uses, is
  // freed (an exception leaves the thread running).
  ~StreamReception();
  StreamReception(const StreamReception&) = delete;
  StreamReception& operator=(const StreamReception&) = delete;

  // Starts the receiver thread (Receiver::start: can_accept, on_finished).
  void start(std::function<bool()> can_accept, std::function<void()> on_finished);
  void stop() { receiver_.stop(); }
  void join() { receiver_.join(); }
  // Receiver::pause and resume: while paused, ingest() may be read.
  void pause() { receiver_.pause(); }
  void resume() { receiver_.resume(); }

  // This rank's Ingest: to restore before start(), or to read while
  // paused; its thread-safe parts (counters, progress) at any time.
  Ingest& ingest() { return *ingest_; }

  // What this rank's reception saw, for its summary.
  ReceptionOutcome outcome() const {
    return {ingest_->counters(), receiver_.connections(), ingest_->failed_simulations()};
  }
  // This rank's reception counters, for its metrics records.
  nlohmann::json metrics() const;

 private:
  Receiver receiver_;
  std::unique_ptr<Ingest> ingest_;
};

}  // namespace apiary::server
