#pragma once
// The 2-D heat equation du/dt = D lap(u) on [0, lx] x [0, ly] with fixed
// (Dirichlet) wall temperatures, discretised with the 5-point stencil and
// implicit Euler, each step solved by a distributed matrix-free conjugate
// gradient. Plain MPI and C++: no Apiary dependency (see README.md).
#include <mpi.h>

#include <array>
#include <functional>
#include <span>

namespace heat {

// Wall numbering of walls[] (and of T1..T4 on the command line).
enum Wall { kLeft = 0 /* x = 0 */, kRight = 1 /* x = lx */, kBottom = 2 /* y = 0 */, kTop = 3 /* y = ly */ };

struct HeatProblem {
  int nx = 0, ny = 0;  // interior cells; dx = lx / (nx + 1), dy = ly / (ny + 1)
  double lx = 10, ly = 10, diffusivity = 1;
  double t0 = 0;                     // initial temperature everywhere
  std::array<double, 4> walls = {};  // T1..T4, indexed by Wall
  double final_time = 1;
  int nsteps = 1;           // at least this many implicit steps in all
  int snapshots = 100;      // fields reported, evenly spaced in time
  double tolerance = 1e-4;  // CG stops at ||r|| <= tolerance ||b||
};

// Throws std::invalid_argument naming the first bad input; ranks is the
// number of MPI ranks that will share the rows.
void validate(const HeatProblem& problem, int ranks);

// Implicit steps between two snapshots: ceil(nsteps / snapshots). The run
// makes snapshots * steps_per_snapshot steps of dt = final_time / that.
int steps_per_snapshot(const HeatProblem& problem);

// The contiguous rows [first, first + count) of rank `rank` out of `ranks`:
// ny / ranks each, the first ny % ranks ranks one more.
struct RowBlock {
  int first = 0;
  int count = 0;
};
RowBlock row_block(int ny, int ranks, int rank);

struct SolveStats {
  long steps = 0;             // implicit Euler steps made
  long cg_iterations = 0;     // summed over the steps
  int max_cg_iterations = 0;  // of one step
};

// Receives snapshot k (0 .. snapshots-1, the field after (k+1) *
// steps_per_snapshot steps) as this rank's rows, row-major (x fastest),
// row_block(ny, size, rank).count * nx values, valid during the call.
using SnapshotCallback = std::function<void(int snapshot, std::span<const double> local_rows)>;

// Collective over comm. Throws std::invalid_argument (validate) and
// std::runtime_error when CG fails to converge.
SolveStats solve(const HeatProblem& problem, MPI_Comm comm, const SnapshotCallback& on_snapshot);

}  // namespace heat
