#pragma once
// One training sample: the inputs of a simulation at one time step and the
// whole field the simulation produced at that step.
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace apiary::server {

// std::allocator, except that a value added without an initialiser
// (resize) is left uninitialised instead of zeroed. A field's values are
// all written (by reassembly, which hands a field over only when its
// slices tile it, or from a dataset record) before anything reads them;
// zeroing 8 MB first took a fifth of the receiver's time
// (docs/benchmarks.md, "Ingest throughput").
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* at) noexcept {
    ::new (static_cast<void*>(at)) U;
  }
  template <class U, class... Args>
  void construct(U* at, Args&&... args) {
    ::new (static_cast<void*>(at)) U(std::forward<Args>(args)...);
  }
};

using FieldValues = std::vector<float, UninitializedAllocator<float>>;

struct Sample {
  std::uint32_t simulation_id = 0;
  std::uint32_t time_step = 0;
  std::vector<float> inputs;  // raw model inputs: the parameters, then the time-step index
  FieldValues field;          // the reassembled global field, float32
};

// Samples are immutable once complete and shared between the buffer, the
// trainer's batch and the metrics without copies.
using SamplePtr = std::shared_ptr<const Sample>;

}  // namespace apiary::server
