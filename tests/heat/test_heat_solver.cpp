// The heat solver in-process (one rank, MPI_COMM_SELF): the snapshot
// schedule, the exact discrete solution, the steady states, the maximum
// principle, the row decomposition.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "heat_mpi.hpp"
#include "heat_reference.hpp"
#include "heat_solver.hpp"

namespace heat {
namespace {

using testing::exact_discrete_field;
using testing::laplace_steady_state;
using testing::max_abs_difference;
using testing::run_in_process;

HeatProblem problem(int nx, int ny, int nsteps, double t0, std::array<double, 4> walls) {
  HeatProblem p;
  p.nx = nx;
  p.ny = ny;
  p.nsteps = nsteps;
  p.t0 = t0;
  p.walls = walls;
  return p;
}

double rms(std::span<const double> a, std::span<const double> b) {
  double sum = 0;
  for (std::size_t k = 0; k < a.size(); ++k) sum += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(sum / a.size());
}

TEST(HeatDecomposition, RowBlocksAreContiguousAndBalancedFirstRanksLarger) {
  for (int ny : {1, 7, 30, 101}) {
    for (int ranks = 1; ranks <= std::min(ny, 9); ++ranks) {
      int next = 0;
      for (int r = 0; r < ranks; ++r) {
        const RowBlock block = row_block(ny, ranks, r);
        EXPECT_EQ(block.first, next) << ny << " rows, rank " << r << " of " << ranks;
        const int expected = ny / ranks + (r < ny % ranks ? 1 : 0);
        EXPECT_EQ(block.count, expected) << ny << " rows, rank " << r << " of " << ranks;
        next += block.count;
      }
      EXPECT_EQ(next, ny) << ny << " rows over " << ranks << " ranks";
    }
  }
  EXPECT_EQ(row_block(30, 4, 0).count, 8);
  EXPECT_EQ(row_block(30, 4, 3).first, 23);
  EXPECT_THROW(row_block(30, 4, 4), std::invalid_argument);
}

TEST(HeatSchedule, SendsExactlyTheSnapshotsWhateverNsteps) {
  for (int nsteps : {1, 9, 10, 11, 35}) {
    HeatProblem p = problem(6, 5, nsteps, 300, {100, 200, 400, 500});
    p.snapshots = 10;
    const auto run = run_in_process(p);
    std::vector<int> expected(10);
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(run.ids, expected) << "nsteps " << nsteps;
    EXPECT_EQ(steps_per_snapshot(p), (nsteps + 9) / 10);
    EXPECT_EQ(run.stats.steps, 10L * ((nsteps + 9) / 10)) << "nsteps " << nsteps;
    for (const auto& field : run.snapshots) EXPECT_EQ(field.size(), 30U);
  }
  HeatProblem p = problem(8, 8, 100, 300, {100, 200, 400, 500});
  EXPECT_EQ(run_in_process(p).ids.size(), 100U) << "the default is 100 snapshots";
}

// The solver against the exact solution of its own discrete scheme: checks
// the stencil, dx = lx / (nx + 1), the wall numbering, dt and the snapshot
// times (snapshot k after (k + 1) * m steps) at once, on a 40 x 30 mesh
// (dx != dy) with four different walls. With a tight CG tolerance the
// fields agree to 1e-5 K (measured 3e-7); at the default 1e-4 to 0.25 % of
// the temperature spread of 400 K (measured 0.29 K).
TEST(HeatSolver, MatchesTheExactDiscreteSolution) {
  HeatProblem p = problem(40, 30, 37, 300, {100, 200, 400, 500});
  p.snapshots = 8;  // m = ceil(37 / 8) = 5 steps per snapshot, 40 steps, dt = 5 / 40
  p.final_time = 5;
  for (const auto& [tolerance, allowed] : {std::pair{1e-10, 1e-5}, std::pair{1e-4, 1.0}}) {
    p.tolerance = tolerance;
    const auto run = run_in_process(p);
    ASSERT_EQ(run.snapshots.size(), 8U);
    EXPECT_EQ(run.stats.steps, 40);
    if (tolerance == 1e-10) {
      // CG's bound: sqrt(kappa) / 2 ln(2 sqrt(kappa) / tolerance) = 47 with
      // kappa < 1 + 4 cx + 4 cy = 14.2 (measured 38; steepest descent: 118).
      EXPECT_LE(run.stats.max_cg_iterations, 50);
    }
    for (int k = 0; k < 8; ++k) {
      const auto exact = exact_discrete_field(p, (k + 1) * 5L);
      EXPECT_LE(max_abs_difference(run.snapshots[k], exact), allowed)
          << "snapshot " << k << ", CG tolerance " << tolerance;
    }
  }
}

// Equal walls Tw: after 2 diffusion times (L^2 / D = 100) the field is Tw.
// With a tight CG tolerance to 1e-4 K; at the default 1e-4, where CG stops
// at ||r|| <= 1e-4 ||b|| and ||b|| is dominated by the wall terms, to 1 %
// of |T0 - Tw| (measured 0.85 K of 300 K).
TEST(HeatSteadyState, EqualWallsReachTheWallTemperature) {
  HeatProblem p = problem(40, 30, 20, 100, {400, 400, 400, 400});
  p.final_time = 200;
  p.snapshots = 20;  // dt = 10
  const std::vector<double> wall(40 * 30, 400.0);
  for (const auto& [tolerance, allowed] : {std::pair{1e-10, 1e-4}, std::pair{1e-4, 3.0}}) {
    p.tolerance = tolerance;
    const auto run = run_in_process(p);
    EXPECT_LE(max_abs_difference(run.snapshots.back(), wall), allowed) << "CG tolerance " << tolerance;
  }
  // T0 already at the walls' temperature: nothing moves, CG has nothing to do.
  p.t0 = 400;
  const auto still = run_in_process(p);
  EXPECT_EQ(max_abs_difference(still.snapshots.front(), wall), 0.0);
  EXPECT_EQ(still.stats.cg_iterations, 0);
}

// Four different walls: after 2 diffusion times the field matches the
// Fourier-series solution of Laplace's equation on the square. On the 32 x
// 32 mesh, at the default CG tolerance, with a spread of 400 K:
//   points at least 2 from every corner: max error <= 1 K (0.25 % of the
//     spread; measured 0.45 K, of which 0.43 K is the O(dx^2) discretisation),
//   RMS over all points <= 0.6 K (0.15 %; measured 0.33 K, O(dx) because of
//     the discontinuous corners),
//   every point <= 4 K (1 %; measured 2.87 K, next to a corner).
TEST(HeatSteadyState, UnequalWallsMatchTheLaplaceSeries) {
  HeatProblem p = problem(32, 32, 20, 300, {100, 200, 400, 500});
  p.final_time = 200;
  p.snapshots = 20;
  const auto run = run_in_process(p);
  const auto analytic = laplace_steady_state(p);
  const auto& u = run.snapshots.back();
  const double h = p.lx / 33;
  double far_from_corners = 0;
  for (int j = 0; j < 32; ++j) {
    for (int i = 0; i < 32; ++i) {
      const double x = (i + 1) * h, y = (j + 1) * h;
      const double corner =
          std::min({std::hypot(x, y), std::hypot(10 - x, y), std::hypot(x, 10 - y), std::hypot(10 - x, 10 - y)});
      if (corner >= 2) far_from_corners = std::max(far_from_corners, std::abs(u[j * 32 + i] - analytic[j * 32 + i]));
    }
  }
  EXPECT_LE(far_from_corners, 1.0);
  EXPECT_LE(rms(u, analytic), 0.6);
  EXPECT_LE(max_abs_difference(u, analytic), 4.0);
  // The reference itself: by symmetry the centre is the mean of the walls.
  EXPECT_NEAR(laplace_steady_state(problem(1, 1, 1, 0, {100, 200, 400, 500}))[0], 300.0, 1e-9);
}

// Implicit Euler with the 5-point stencil is monotone: every value of every
// snapshot lies within [min(T0, walls), max(T0, walls)], for any dt (one
// snapshot of one step has dt = 1, c = D dt / dx^2 about 16), up to
// rounding (1e-8 of the spread; measured 1e-13 K).
TEST(HeatMaximumPrinciple, EverySnapshotLiesBetweenTheExtremeTemperatures) {
  const std::array<std::array<double, 4>, 4> wall_sets = {
      {{100, 200, 400, 500}, {500, 500, 100, 100}, {100, 100, 100, 100}, {500, 500, 500, 500}}};
  for (const auto& walls : wall_sets) {
    for (double t0 : {100.0, 300.0, 500.0}) {
      for (const auto& [nsteps, snapshots] : {std::pair{1, 1}, std::pair{1, 100}, std::pair{1000, 100}}) {
        HeatProblem p = problem(40, 30, nsteps, t0, walls);
        p.snapshots = snapshots;
        const double low = std::min(t0, *std::min_element(walls.begin(), walls.end()));
        const double high = std::max(t0, *std::max_element(walls.begin(), walls.end()));
        const double slack = 1e-8 * std::max(high - low, 1.0);
        const auto run = run_in_process(p);
        for (std::size_t k = 0; k < run.snapshots.size(); ++k) {
          const auto [lowest, highest] = std::minmax_element(run.snapshots[k].begin(), run.snapshots[k].end());
          ASSERT_GE(*lowest, low - slack) << "T0 " << t0 << ", walls " << walls[0] << " " << walls[1] << " " << walls[2]
                                          << " " << walls[3] << ", nsteps " << nsteps << ", snapshot " << k;
          ASSERT_LE(*highest, high + slack)
              << "T0 " << t0 << ", walls " << walls[0] << " " << walls[1] << " " << walls[2] << " " << walls[3]
              << ", nsteps " << nsteps << ", snapshot " << k;
        }
      }
    }
  }
}

}  // namespace
}  // namespace heat
