// apiary-heat: the heat-equation client of Apiary's example study.
//
//   mpirun -n 2 apiary-heat 100 100 100 300 100 200 400 500
//
// solves the 2-D heat equation (heat_solver.hpp) and streams each of the
// snapshots of the temperature field to the Apiary server, every rank
// sending its own rows. The launcher sets APIARY_SERVER and
// APIARY_SIMULATION_ID in the environment.
#include <apiary/client.h>
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "heat_solver.hpp"

namespace {

int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// Stops the whole client with exit status 1. With several ranks, the others
// may wait in a collective call: MPI_Abort ends them too.
[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "apiary-heat: %s\n", message.c_str());
  if (world_size() > 1) MPI_Abort(MPI_COMM_WORLD, 1);
  MPI_Finalize();
  std::exit(1);
}

void check(apiary_status_t status) {
  if (status != APIARY_STATUS_OK) {
    fail(std::string(apiary_status_string(status)) + ": " + apiary_last_error());
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  heat::HeatProblem problem;
  try {
    problem = heat::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
    heat::validate(problem, world_size());
  } catch (const std::invalid_argument& error) {
    // Every rank sees the same arguments: all stop here, rank 0 explains.
    if (rank == 0) std::fprintf(stderr, "apiary-heat: %s\n%s", error.what(), heat::usage("apiary-heat").c_str());
    MPI_Finalize();
    return 2;
  }

  const heat::RowBlock rows = heat::row_block(problem.ny, world_size(), rank);
  check(apiary_init("temperature", static_cast<size_t>(rows.count) * problem.nx, MPI_COMM_WORLD));
  try {
    heat::solve(problem, MPI_COMM_WORLD, [](int /*snapshot*/, std::span<const double> local_rows) {
      check(apiary_send("temperature", local_rows.data()));
    });
  } catch (const std::exception& error) {
    fail(error.what());
  }
  check(apiary_finalize());
  MPI_Finalize();
  return 0;
}
