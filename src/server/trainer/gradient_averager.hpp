#pragma once
// Data-parallel gradient averaging across the server's ranks.
//
// The gradients are copied into flat buckets (about bucket_bytes each, in
// the order backward produces them: last layer first) by hooks on the
// parameters; each bucket's sum across ranks starts as soon as all its
// gradients exist, while backward still computes the earlier layers. After
// backward, each parameter's .grad points at its averaged slice.
//
// Exactness with unequal batches: every rank scales its mean loss by its
// share of the global batch (loss_scale), so the summed gradients are the
// gradient of the mean loss over the union of the ranks' batches, whatever
// each rank drew, including nothing at all.
//
// Included only by libtorch translation units of the trainer.
#include <torch/torch.h>

#include <cstddef>
#include <thread>
#include <utility>
#include <vector>

#include "server/parallel/communicator.hpp"

namespace apiary::server {

class GradientAverager {
 public:
  GradientAverager(std::vector<torch::Tensor> parameters, Communicator& communicator, std::size_t bucket_bytes);
  GradientAverager(const GradientAverager&) = delete;
  GradientAverager& operator=(const GradientAverager&) = delete;

  // Makes every rank start from rank 0's weights.
  void broadcast_parameters();

  // Before backward: forgets the last step's gradients.
  void begin_step();
  // After backward, or instead of it on a rank that drew no sample: the
  // sums complete and every .grad holds the global gradient.
  void finish_step();

  // Seconds spent waiting for the sums after backward (what the overlap
  // with backward did not hide), since the last call; resets.
  double take_wait_seconds() { return std::exchange(wait_seconds_, 0.0); }

  static double loss_scale(std::uint64_t local_samples, std::uint64_t global_samples) {
    return static_cast<double>(local_samples) / static_cast<double>(global_samples);
  }

 private:
  struct Bucket {
    std::vector<float> values;
    std::size_t parameters = 0;  // parameters in this bucket
    std::size_t ready = 0;       // of them, whose gradient was copied in this step
  };
  struct Slot {
    std::size_t bucket = 0;
    torch::Tensor view;  // the parameter's slice of its bucket, shaped like it
  };

  void on_gradient(std::size_t parameter, const torch::Tensor& gradient);
  void start_ready_buckets();

  std::vector<torch::Tensor> parameters_;
  Communicator& communicator_;
  std::vector<Bucket> buckets_;
  std::vector<Slot> slots_;
  std::size_t next_to_start_ = 0;
  double wait_seconds_ = 0.0;
  // MPI is funnelled through the trainer thread; hooks that run elsewhere
  // (CUDA's autograd threads) only copy, and their sums start at finish.
  std::thread::id owner_ = std::this_thread::get_id();
};

}  // namespace apiary::server
