// An MPI C++ program using Apiary's C++ wrapper: each rank owns a block of
// a synthetic field (value = global index + 1000 * step) and sends it; the
// server must reassemble the blocks. Usage: cpp_client SIZE STEPS
#include <mpi.h>

#include <apiary/client.hpp>
#include <cstdlib>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const std::size_t size = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 5;
  // Uneven blocks: the first size % ranks ranks hold one value more.
  const std::size_t base = size / ranks, extra = size % ranks;
  const std::size_t local = base + (static_cast<std::size_t>(rank) < extra ? 1 : 0);
  const std::size_t first = rank * base + std::min<std::size_t>(rank, extra);
  int code = 0;
  try {
    apiary::Session session;
    session.add_field("field", local, MPI_COMM_WORLD);
    std::vector<double> values(local);
    for (int step = 0; step < steps; ++step) {
      for (std::size_t i = 0; i < local; ++i) values[i] = static_cast<double>(first + i) + 1000.0 * step;
      session.send("field", values);
    }
    session.finalize();
  } catch (const apiary::ClientError& error) {
    std::cerr << "cpp_client: " << error.what() << "\n";
    code = 1;
  }
  MPI_Finalize();
  return code;
}
