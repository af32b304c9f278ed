#pragma once
// The field apiary-synthetic streams: smooth in the parameters and the time
// step, so that a surrogate can learn it,
//
//   v_i(t) = sum_k p_k sin((k + 1) pi i / N + w t),
//
// and cheap to produce, since the client exists to load the server, not the
// CPU it shares with it. With sin(a + b) = sin a cos b + cos a sin b, every
// step is cos(w t) * S_i + sin(w t) * C_i for two slices S, C computed once.
#include <cstddef>
#include <span>
#include <vector>

namespace apiary::bench {

class SyntheticField {
 public:
  // The slice [first, first + count) of a field of total_size values.
  SyntheticField(std::span<const double> parameters, std::size_t total_size, std::size_t first, std::size_t count);

  std::size_t size() const { return sine_part_.size(); }

  // Writes step t of the slice into out (size() values).
  void fill(std::size_t step, std::span<float> out) const;
  void fill(std::size_t step, std::span<double> out) const;

 private:
  std::vector<double> sine_part_;    // S_i = sum_k p_k sin((k + 1) pi i / N)
  std::vector<double> cosine_part_;  // C_i = sum_k p_k cos((k + 1) pi i / N)
};

}  // namespace apiary::bench
