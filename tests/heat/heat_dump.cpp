// heat-dump (tests only): runs the heat solver under MPI and has rank 0
// write every snapshot, gathered, to a file:
//   heat-dump OUTPUT nx ny nsteps T0 T1 T2 T3 T4 [--snapshots S] [--final-time T] [--tolerance E]
// File: int64 nx, ny, snapshots, then snapshots * ny * nx doubles, row-major
// (x fastest), native byte order. Rank 0 prints the step and CG counts and
// the solver's wall time on stdout.
#include <mpi.h>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "heat_solver.hpp"

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  heat::HeatProblem problem;
  try {
    if (argc < 2) throw std::invalid_argument("missing the output file");
    problem = heat::parse_command_line(std::vector<std::string>(argv + 2, argv + argc));
    heat::validate(problem, size);
  } catch (const std::invalid_argument& error) {
    if (rank == 0) std::fprintf(stderr, "heat-dump: %s\n%s", error.what(), heat::usage("heat-dump OUTPUT").c_str());
    MPI_Finalize();
    return 2;
  }

  std::vector<int> counts(size), displacements(size);
  for (int r = 0; r < size; ++r) {
    const heat::RowBlock block = heat::row_block(problem.ny, size, r);
    counts[r] = block.count * problem.nx;
    displacements[r] = block.first * problem.nx;
  }
  std::ofstream out;
  if (rank == 0) {
    out.open(argv[1], std::ios::binary | std::ios::trunc);
    const std::int64_t header[3] = {problem.nx, problem.ny, problem.snapshots};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
  }
  std::vector<double> global(rank == 0 ? static_cast<std::size_t>(problem.nx) * problem.ny : 0);

  int status = 0;
  try {
    const double start = MPI_Wtime();
    const heat::SolveStats stats = heat::solve(problem, MPI_COMM_WORLD, [&](int, std::span<const double> local) {
      MPI_Gatherv(local.data(), static_cast<int>(local.size()), MPI_DOUBLE, global.data(), counts.data(),
                  displacements.data(), MPI_DOUBLE, 0, MPI_COMM_WORLD);
      if (rank == 0) {
        out.write(reinterpret_cast<const char*>(global.data()),
                  static_cast<std::streamsize>(global.size() * sizeof(double)));
      }
    });
    const double seconds = MPI_Wtime() - start;
    if (rank == 0) {
      std::printf("steps %ld cg_iterations %ld max_cg_iterations %d seconds %.6f\n", stats.steps, stats.cg_iterations,
                  stats.max_cg_iterations, seconds);
      out.close();
      if (!out) throw std::runtime_error(std::string("cannot write ") + argv[1]);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "heat-dump: %s\n", error.what());
    status = 1;
  }
  MPI_Finalize();
  return status;
}
