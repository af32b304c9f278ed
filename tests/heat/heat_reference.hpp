#pragma once
// Reference solutions and helpers for the heat-solver tests.
#include <span>
#include <string>
#include <vector>

#include "heat_solver.hpp"

namespace heat::testing {

// The exact solution of the discrete scheme (5-point stencil, implicit
// Euler with dt = final_time / (snapshots * steps_per_snapshot)) after
// `steps` steps, by discrete sine transforms: what CG approaches as its
// tolerance goes to zero. Global row-major field, x fastest.
std::vector<double> exact_discrete_field(const HeatProblem& problem, long steps);

// The steady state of the continuous problem (Laplace's equation on the
// rectangle, four constant walls) at the mesh points, by Fourier series
// with `terms` odd modes per wall.
std::vector<double> laplace_steady_state(const HeatProblem& problem, int terms = 4000);

// A file written by heat-dump.
struct Dump {
  int nx = 0, ny = 0, snapshots = 0;
  std::vector<double> values;
  std::span<const double> snapshot(int k) const {
    const std::size_t n = static_cast<std::size_t>(nx) * ny;
    return std::span<const double>(values).subspan(k * n, n);
  }
};
Dump read_dump(const std::string& path);

// Runs a command through the shell with the environment this process
// started with (without what an in-process MPI_Init added); returns its exit
// status (-1 when it did not exit) and its stdout and stderr, merged.
int run_command(const std::string& command, std::string& output);

// mpirun as the tests start it: as root (CI) and with more ranks than cores,
// whatever the environment says.
inline constexpr const char* kMpirun = "mpirun --allow-run-as-root --oversubscribe";

// A fresh path in the temporary directory, removed by the destructor.
class TempFile {
 public:
  explicit TempFile(const std::string& stem);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

double max_abs_difference(std::span<const double> a, std::span<const double> b);

}  // namespace heat::testing
