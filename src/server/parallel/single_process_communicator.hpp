#pragma once
// A server of one rank without MPI: every collective is the identity. Lets
// apiary-bench-trainer run the server's Trainer where MPI is missing (the
// GPU machine) and without mpirun's start-up, and tests run one rank's
// reception or training in process.
#include <cstdlib>

#include "server/parallel/communicator.hpp"

namespace apiary::server {

class SingleProcessCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int ranks_on_node() const override { return 1; }
  int rank_on_node() const override { return 0; }
  void sum(std::span<double>) override {}
  void sum(std::span<std::int64_t>) override {}
  void start_sum(std::span<float>) override {}
  void progress() override {}
  void wait_all() override {}
  void broadcast(std::span<float>, int) override {}
  std::vector<std::string> gather(const std::string& text, int) override { return {text}; }
  std::string broadcast(const std::string& text, int) override { return text; }
  [[noreturn]] void abort(int exit_code) override { std::exit(exit_code); }
};

}  // namespace apiary::server
