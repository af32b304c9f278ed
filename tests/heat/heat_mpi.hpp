#pragma once
// In-process runs of the heat solver on MPI_COMM_SELF for the tests.
#include <vector>

#include "heat_solver.hpp"

namespace heat::testing {

// Initialises MPI once (singleton, no mpirun) and finalises it at exit.
void ensure_mpi();

struct Run {
  std::vector<std::vector<double>> snapshots;  // global fields, in order
  std::vector<int> ids;                        // the snapshot ids reported
  SolveStats stats;
};
Run run_in_process(const HeatProblem& problem);

}  // namespace heat::testing
