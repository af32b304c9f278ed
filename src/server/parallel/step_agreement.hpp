#pragma once
// How the server's ranks agree, before each optimizer step, on whether to
// step, to wait for data, or to stop. Every rank calls agree() once per
// round, so every rank makes the same number of optimizer steps and no
// rank is left alone in a collective.
//
// The rule:
//  - stop when every rank's stream ended and its buffer is exhausted, or
//    when any rank reached the training's wall-time limit (the ranks'
//    clocks differ a little: the first one to run out stops them all in
//    the same round);
//  - step when no rank is still waiting for its batch, or when some rank's
//    buffer is full (its reception is blocked: waiting for the others could
//    deadlock, since a blocked client may be the one that feeds them).
//    A rank without a batch then contributes no samples: gradients are
//    weighted by each rank's sample count, so the step is exact;
//  - otherwise wait a little and ask again.
#include <cstdint>

#include "server/parallel/communicator.hpp"

namespace apiary::server {

// One rank's state, after it tried to draw its batch without blocking.
struct LocalReadiness {
  std::uint64_t samples = 0;  // samples in the batch it holds (0: none)
  bool stream_ended = false;  // its reception finished: no more samples will come
  bool buffer_full = false;   // its reception is blocked by a full buffer
  bool exhausted = false;     // stream ended and nothing left to train on
  bool out_of_time = false;   // its training reached training.max_seconds
};

enum class StepDecision { step, wait, stop };

struct Agreement {
  StepDecision decision = StepDecision::wait;
  std::uint64_t total_samples = 0;  // in the global batch, when stepping
};

// The rule above, applied to the sums of every rank's readiness.
struct ReadinessSums {
  std::int64_t ranks = 0;
  std::int64_t samples = 0;
  std::int64_t waiting = 0;  // no batch yet and the stream goes on
  std::int64_t full = 0;
  std::int64_t exhausted = 0;
  std::int64_t out_of_time = 0;
};
Agreement decide(const ReadinessSums& sums);

// One round: sums every rank's readiness (a small allreduce) and decides.
Agreement agree(Communicator& communicator, const LocalReadiness& local);

}  // namespace apiary::server
