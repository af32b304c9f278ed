#pragma once
// What the data-parallel server needs from its ranks' interconnect, behind
// an interface: MPI on CPUs today; a CUDA build can implement the gradient
// sums with NCCL or CUDA-aware MPI without touching the trainer.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace apiary::server {

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Server ranks sharing this node (and so its cores).
  virtual int ranks_on_node() const = 0;
  // This rank's place among them, 0 .. ranks_on_node() - 1 (picks its GPU).
  virtual int rank_on_node() const = 0;

  // Element-wise sums over all ranks, in place; every rank calls them in
  // the same order (collectives).
  virtual void sum(std::span<double> values) = 0;
  virtual void sum(std::span<std::int64_t> values) = 0;

  // Starts an in-place sum of a gradient bucket and returns at once; the
  // sum is complete after wait_all(). Buckets must be started in the same
  // order on every rank.
  virtual void start_sum(std::span<float> values) = 0;
  // Lets started sums advance while the caller computes (MPI progresses
  // only inside MPI calls).
  virtual void progress() = 0;
  virtual void wait_all() = 0;

  virtual void broadcast(std::span<float> values, int root) = 0;
  // Root receives every rank's text in rank order; the others get nothing.
  virtual std::vector<std::string> gather(const std::string& text, int root) = 0;
  // Every rank receives root's text.
  virtual std::string broadcast(const std::string& text, int root) = 0;

  // Ends the whole job after an error on one rank: the others would wait
  // forever in their next collective.
  [[noreturn]] virtual void abort(int exit_code) = 0;
};

}  // namespace apiary::server
