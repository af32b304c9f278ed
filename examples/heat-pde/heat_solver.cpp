#include "heat_solver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "conjugate_gradient.hpp"

namespace heat {

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

std::string show(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace

void validate(const HeatProblem& p, int ranks) {
  require(p.nx >= 1, "nx must be at least 1 (got " + std::to_string(p.nx) + ")");
  require(p.ny >= 1, "ny must be at least 1 (got " + std::to_string(p.ny) + ")");
  require(p.nsteps >= 1, "nsteps must be at least 1 (got " + std::to_string(p.nsteps) + ")");
  require(p.snapshots >= 1, "the number of snapshots must be at least 1 (got " + std::to_string(p.snapshots) + ")");
  require(static_cast<long long>(p.nsteps) + p.snapshots - 1 <= 1LL << 30,
          "nsteps and snapshots are too large (more than 2^30 steps)");
  require(static_cast<long long>(p.nx) * p.ny <= 1LL << 31, "the mesh is too large (more than 2^31 cells)");
  require(std::isfinite(p.lx) && p.lx > 0, "the domain length lx must be positive (got " + show(p.lx) + ")");
  require(std::isfinite(p.ly) && p.ly > 0, "the domain length ly must be positive (got " + show(p.ly) + ")");
  require(std::isfinite(p.diffusivity) && p.diffusivity > 0,
          "the diffusivity must be positive (got " + show(p.diffusivity) + ")");
  require(std::isfinite(p.final_time) && p.final_time > 0,
          "the final time must be positive (got " + show(p.final_time) + ")");
  require(std::isfinite(p.tolerance) && p.tolerance > 0 && p.tolerance < 1,
          "the CG tolerance must lie in (0, 1) (got " + show(p.tolerance) + ")");
  require(std::isfinite(p.t0), "the initial temperature T0 must be finite");
  for (int w = 0; w < 4; ++w) {
    require(std::isfinite(p.walls[w]), "the wall temperature T" + std::to_string(w + 1) + " must be finite");
  }
  require(ranks >= 1, "the number of ranks must be at least 1 (got " + std::to_string(ranks) + ")");
  require(ranks <= p.ny, "the number of ranks (" + std::to_string(ranks) + ") must not exceed ny (" +
                             std::to_string(p.ny) + "): each rank needs at least one row");
}

int steps_per_snapshot(const HeatProblem& p) { return (p.nsteps + p.snapshots - 1) / p.snapshots; }

RowBlock row_block(int ny, int ranks, int rank) {
  if (ranks < 1 || rank < 0 || rank >= ranks) {
    throw std::invalid_argument("row_block: rank " + std::to_string(rank) + " out of " + std::to_string(ranks));
  }
  const int base = ny / ranks;
  const int extra = ny % ranks;
  RowBlock block;
  block.count = base + (rank < extra ? 1 : 0);
  block.first = rank * base + (rank < extra ? rank : extra);
  return block;
}

SolveStats solve(const HeatProblem& p, MPI_Comm comm, const SnapshotCallback& on_snapshot) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  validate(p, ranks);

  const RowBlock block = row_block(p.ny, ranks, rank);
  const int per_snapshot = steps_per_snapshot(p);
  const double dt = p.final_time / (static_cast<double>(per_snapshot) * p.snapshots);
  const double dx = p.lx / (p.nx + 1);
  const double dy = p.ly / (p.ny + 1);
  const double cx = p.diffusivity * dt / (dx * dx);
  const double cy = p.diffusivity * dt / (dy * dy);
  const int below = rank > 0 ? rank - 1 : MPI_PROC_NULL;
  const int above = rank + 1 < ranks ? rank + 1 : MPI_PROC_NULL;
  const detail::StencilOperator a(p.nx, block.count, cx, cy, comm, below, above);

  // The walls' share of the right-hand side: the stencil's neighbours that
  // lie on a wall are known values, moved to b. Corners get two.
  const std::size_t n = a.local_size();
  std::vector<double> wall_terms(n, 0.0);
  for (int j = 0; j < block.count; ++j) {
    const int global_j = block.first + j;
    double* row = wall_terms.data() + static_cast<std::size_t>(j) * p.nx;
    row[0] += cx * p.walls[kLeft];
    row[p.nx - 1] += cx * p.walls[kRight];
    if (global_j == 0) {
      for (int i = 0; i < p.nx; ++i) row[i] += cy * p.walls[kBottom];
    }
    if (global_j == p.ny - 1) {
      for (int i = 0; i < p.nx; ++i) row[i] += cy * p.walls[kTop];
    }
  }

  std::vector<double> u(n, p.t0), b(n);
  // CG converges in at most nx*ny iterations in exact arithmetic; far more
  // means something is wrong (a NaN, a broken operator).
  const long long cells = static_cast<long long>(p.nx) * p.ny;
  const int max_iterations = static_cast<int>(std::min<long long>(10 * cells + 100, 1 << 30));
  SolveStats stats;
  for (int snapshot = 0; snapshot < p.snapshots; ++snapshot) {
    for (int step = 0; step < per_snapshot; ++step) {
      for (std::size_t k = 0; k < n; ++k) b[k] = u[k] + wall_terms[k];
      const int iterations = detail::conjugate_gradient(a, b, u, p.tolerance, max_iterations);
      ++stats.steps;
      stats.cg_iterations += iterations;
      if (iterations > stats.max_cg_iterations) stats.max_cg_iterations = iterations;
    }
    if (on_snapshot) on_snapshot(snapshot, std::span<const double>(u));
  }
  return stats;
}

}  // namespace heat
